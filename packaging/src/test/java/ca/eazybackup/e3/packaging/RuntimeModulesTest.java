package ca.eazybackup.e3.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The runtime image's module list covers every JDK module the agent jar references (jdeps), so a
 * new dependency cannot leave the installed agent with a NoClassDefFoundError that only a Windows
 * PC would show.
 */
class RuntimeModulesTest {

  @Test
  void theImageHasEveryModuleJdepsFindsInTheAgentJar() {
    Path jar = Path.of(System.getProperty("agent.jar"));
    assertThat(jar).as("the agent's shaded jar (built before this module)").isRegularFile();
    List<String> image = List.of(System.getProperty("runtime.modules").split(","));

    StringWriter out = new StringWriter();
    int code =
        ToolProvider.findFirst("jdeps")
            .orElseThrow()
            .run(
                new PrintWriter(out),
                new PrintWriter(new StringWriter()),
                "--print-module-deps",
                "--ignore-missing-deps",
                "--multi-release",
                "17",
                jar.toString());

    assertThat(code).as(out.toString()).isZero();
    List<String> needed = List.of(out.toString().strip().split(","));
    assertThat(needed).contains("java.base");
    assertThat(image).containsAll(needed);
  }

  @Test
  void msiVersionsAreNumeric() {
    assertThat(Packaging.numericVersion("0.1.0-SNAPSHOT")).isEqualTo("0.1.0");
    assertThat(Packaging.numericVersion("1.2.3")).isEqualTo("1.2.3");
    assertThat(Packaging.numericVersion("dev")).isEqualTo("0.0.0");
  }

  @Test
  void theWixSourceRegistersTheServiceToTheBundledRuntime() throws Exception {
    String wxs = Files.readString(Path.of("src/main/wix/main.wxs"));
    assertThat(wxs)
        .contains("[INSTALLDIR]runtime\\bin\\javaw.exe")
        .contains("service install")
        .contains("service start")
        .contains("service uninstall --purge")
        .contains("Property Id=\"AGENTTOKEN\" Hidden=\"yes\"");
  }
}
