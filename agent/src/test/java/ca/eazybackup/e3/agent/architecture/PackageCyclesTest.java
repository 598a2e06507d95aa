package ca.eazybackup.e3.agent.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Packages depend on each other in one direction only (Kopia's layers: blob → content → object →
 * snapshot, each knowing only the ones below). A new cycle fails here with the classes that make
 * it, before it hardens into code nobody can take apart.
 */
class PackageCyclesTest {
  private static JavaClasses agent;

  @BeforeAll
  static void importAgent() {
    agent =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("ca.eazybackup.e3.agent");
  }

  /**
   * No exceptions: the runner's reporter, which turns an engine's {@code RunOutcome} into the
   * addon's run update, lives in {@code runner} (it used to sit in {@code progress} and close the
   * only cycle).
   */
  @Test
  void theAgentsFeaturePackagesHaveNoCycles() {
    slices().matching("ca.eazybackup.e3.agent.(*)..").should().beFreeOfCycles().check(agent);
  }

  @Test
  void theBackupEnginesLayersHaveNoCycles() {
    slices().matching("ca.eazybackup.e3.agent.backup.(*)..").should().beFreeOfCycles().check(agent);
  }
}
