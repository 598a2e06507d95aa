package ca.eazybackup.e3.scenarios;

import ca.eazybackup.e3.s3fixtures.DebianPackages;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.opentest4j.TestAbortedException;

/**
 * One headless Chromium for the whole suite, driven by Playwright: Debian's {@code chromium}, which
 * the suite installs with apt-get when it is missing (as root, like the Ceph fixture's packages).
 * Playwright never downloads a browser of its own. Without Chromium and without a way to install
 * it, the console scenarios are skipped with the reason, except under {@code CI=true}, where they
 * fail: CI must run them.
 */
final class ConsoleBrowser {
  private static final List<String> CANDIDATES =
      List.of("/usr/bin/chromium", "/usr/bin/chromium-browser");

  /**
   * The flags the machine's probe ran Chromium with: as root it needs --no-sandbox; the rest stop
   * its background connections, which this machine's closed network refuses many at a time.
   */
  private static final List<String> FLAGS =
      List.of(
          "--no-sandbox",
          "--disable-gpu",
          "--disable-dev-shm-usage",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync");

  private static Playwright playwright;
  private static Browser browser;

  private ConsoleBrowser() {}

  static synchronized Browser get() {
    if (browser == null) {
      Path chromium = chromium();
      playwright =
          Playwright.create(
              new Playwright.CreateOptions()
                  .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
      browser =
          playwright
              .chromium()
              .launch(
                  new BrowserType.LaunchOptions()
                      .setExecutablePath(chromium)
                      .setHeadless(true)
                      .setArgs(FLAGS));
      Runtime.getRuntime().addShutdownHook(new Thread(ConsoleBrowser::close, "console-browser"));
    }
    return browser;
  }

  static synchronized void close() {
    if (browser != null) {
      browser.close();
      browser = null;
    }
    if (playwright != null) {
      playwright.close();
      playwright = null;
    }
  }

  /** Debian's Chromium, installed first when missing and possible. */
  static Path chromium() {
    String configured = System.getProperty("e3.chromium", System.getenv("E3_CHROMIUM"));
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    try {
      DebianPackages.ensureInstalled("Chromium", List.of("chromium"), List.of("chromium"));
    } catch (DebianPackages.Unavailable e) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException("CI must run the console scenarios: " + e.getMessage(), e);
      }
      throw new TestAbortedException("console scenarios skipped: " + e.getMessage(), e);
    }
    return CANDIDATES.stream()
        .map(Path::of)
        .filter(Files::isExecutable)
        .findFirst()
        .orElseThrow(
            () -> new IllegalStateException("chromium installed but not in " + CANDIDATES));
  }
}
