package ca.eazybackup.e3.scenarios;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.s3fixtures.TreeManifest;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import io.cucumber.java.After;
import io.cucumber.java.AfterAll;
import io.cucumber.java.Scenario;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A person at the simulation console in headless Chromium (Playwright): the job wizard with the
 * remote folder browser, the live view, the restore wizard, the runs pages and the admin page,
 * against the real agent process, the fake addon and S3. Elements are found by their role and
 * accessible name, as a screen reader finds them, so the pages' labels are tested too. Every page
 * visited is saved as a screenshot under {@code target/console-screenshots/}.
 */
public final class ConsoleSteps {
  static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
  private static final double RUN_TIMEOUT_MS = 180_000;

  private final ScenarioWorld w;
  private BrowserContext context;
  private Page page;
  private String jobName;
  private String sourceWindowsPath;
  private long liveRunId;
  private final List<String> scriptErrors = new ArrayList<>();

  public ConsoleSteps(ScenarioWorld w) {
    this.w = w;
  }

  // ---- opening the console ----

  @Given("the client's console is open in a headless browser")
  public void openClientConsole() {
    openPage(w.env.addon().consoleUrl() + "#session=" + w.api().clientSession());
    assertThat(heading("Backup jobs")).isVisible();
    assertThat(page.url())
        .as("the session token leaves the address bar")
        .doesNotContain("session=");
  }

  @When("the admin opens the admin page")
  public void openAdmin() {
    openPage(
        w.env.addon().consoleUrl()
            + "admin.html#admin_token="
            + w.env.addon().config().adminToken());
    assertThat(heading("Cloud Backup administration")).isVisible();
  }

  private void openPage(String url) {
    if (context == null) {
      context =
          ConsoleBrowser.get()
              .newContext(
                  new com.microsoft.playwright.Browser.NewContextOptions()
                      .setViewportSize(1366, 900));
      context.setDefaultTimeout(30_000);
      // The pages poll every 1-3 s on a loaded two-core machine: give them time to show it.
      PlaywrightAssertions.setDefaultAssertionTimeout(20_000);
    }
    page = context.newPage();
    page.onPageError(e -> scriptErrors.add("page error: " + e));
    page.onConsoleMessage(
        m -> {
          // A refused API call shows as "Failed to load resource" and is handled by the page.
          if ("error".equals(m.type()) && !m.text().startsWith("Failed to load resource")) {
            scriptErrors.add("console error: " + m.text());
          }
        });
    page.navigate(url);
  }

  // ---- the agent's computer ----

  @Given("the folder {string} on the agent's computer holds the {string} tree from seed {long}")
  public void folderOnHost(String windowsPath, String preset, long seed) {
    sourceWindowsPath = windowsPath;
    w.folder = hostPath(windowsPath);
    w.manifest = w.generate(preset, seed, w.folder);
  }

  @Given("the agent's computer has an empty folder {string}")
  public void emptyFolder(String windowsPath) throws IOException {
    Files.createDirectories(hostPath(windowsPath));
  }

  /** Where the simulated Windows host keeps {@code C:\x\y}: {@code <root>/drives/C/x/y}. */
  private Path hostPath(String windowsPath) {
    String drive = windowsPath.substring(0, 1).toUpperCase(Locale.ROOT);
    Path p = w.windowsHostRoot().resolve("drives").resolve(drive);
    for (String part : windowsPath.substring(2).split("\\\\")) {
      if (!part.isEmpty()) {
        p = p.resolve(part);
      }
    }
    return p;
  }

  @Given("the client has a bucket {string}")
  public void clientBucket(String name) {
    w.bucket = w.bucket(name, true);
  }

  // ---- the job wizard ----

  @When("the person creates a {string} job in the wizard, picking {string} in the folder browser")
  public void createJobPickingFolder(String engine, String windowsPath) {
    wizardDestination(engine);
    // Source: open the drive and each folder down to the parent, then tick the folder itself.
    String[] parts = windowsPath.split("\\\\");
    assertThat(page.getByText(Pattern.compile("item.* in This PC"))).isVisible();
    shot("wizard-2-source-drives");
    page.getByRole(AriaRole.BUTTON, byName(Pattern.compile("^Open " + parts[0]))).click();
    for (int i = 1; i < parts.length - 1; i++) {
      page.getByRole(AriaRole.BUTTON, byName("Open " + parts[i])).click();
    }
    page.getByRole(AriaRole.CHECKBOX, new Page.GetByRoleOptions().setName("Select " + windowsPath))
        .check();
    assertThat(page.locator("ul.chosen")).containsText(windowsPath);
    shot("wizard-2-source-picked");
    finishWizard(true);
  }

  @When(
      "the person creates a sync job in the wizard for the network path {string} typed by hand with"
          + " the share's credentials")
  public void createJobOnShare(String unc) {
    wizardDestination("sync");
    page.getByLabel("Or type a path").fill(unc);
    page.getByRole(AriaRole.BUTTON, byName("Add path")).click();
    Locator creds = page.getByRole(AriaRole.GROUP, byName("Network share credentials"));
    assertThat(creds).isVisible();
    String[] du = w.shareUser.split("\\\\", 2);
    creds.getByLabel("Domain").fill(du[0]);
    creds.getByLabel("User name").fill(du[1]);
    creds.getByLabel("Password").fill(w.sharePassword);
    shot("wizard-2-source-network-share");
    finishWizard(false);
  }

  private void wizardDestination(String engine) {
    jobName = "Console " + engine + " " + w.uid;
    page.getByRole(AriaRole.LINK, byName("New backup job")).click();
    assertThat(heading("New backup job")).isVisible();
    page.getByLabel("Job name").fill(jobName);
    page.getByLabel(engine.equals("kopia") ? "Backup (Kopia)" : "Sync (rclone)").check();
    page.getByLabel("Agent").selectOption(Long.toString(w.account.agentId()));
    page.getByLabel("Destination bucket").selectOption(w.bucket);
    w.prefix = "console/" + engine;
    page.getByLabel("Prefix in the bucket").fill(w.prefix);
    shot("wizard-1-destination");
    next();
  }

  /** Schedule and policy steps, then review and create. */
  private void finishWizard(boolean slow) {
    next();
    assertThat(page.getByRole(AriaRole.HEADING, byName("Schedule"))).isVisible();
    page.getByLabel("When", new Page.GetByLabelOptions().setExact(true)).selectOption("daily");
    page.getByLabel("Time", new Page.GetByLabelOptions().setExact(true)).fill("02:30");
    shot("wizard-3-schedule");
    next();
    assertThat(page.getByRole(AriaRole.HEADING, byName("Retention and policy"))).isVisible();
    if (slow) {
      // Slow enough (about 4 s for the small tree) for the live view to show the run moving.
      page.getByLabel("Upload limit (KiB/s)").fill("400");
    }
    shot("wizard-4-policy");
    next();
    assertThat(page.getByRole(AriaRole.HEADING, byName("Review"))).isVisible();
    assertThat(page.locator("dl.facts")).containsText("Daily at 02:30");
    shot("wizard-5-review");
    page.getByRole(AriaRole.BUTTON, byName("Create job")).click();
    assertThat(heading("Backup jobs")).isVisible();
    assertThat(page.getByRole(AriaRole.ROWHEADER, byName(jobName))).isVisible();
    shot("jobs-list");
  }

  private void next() {
    page.getByRole(AriaRole.BUTTON, byName("Next")).click();
  }

  @Then("the job is stored with the picked folder, the schedule and no password in the page")
  public void jobStored() {
    var jobs = w.api().post("cloudbackup_list_jobs.php", java.util.Map.of()).path("jobs");
    var job = jobs.get(jobs.size() - 1);
    w.jobId = job.path("job_id").asLong();
    assertThat(job.path("name").asText()).isEqualTo(jobName);
    assertThat(job.path("source_paths").get(0).asText()).isEqualTo(sourceWindowsPath);
    assertThat(job.path("schedule_json").path("type").asText()).isEqualTo("daily");
    assertThat(job.path("bandwidth_limit_kbps").asLong()).isEqualTo(400);
  }

  @Then("the job is stored with the share's credentials and the page never shows the password")
  public void jobStoredWithShare() {
    var jobs = w.api().post("cloudbackup_list_jobs.php", java.util.Map.of()).path("jobs");
    var job = jobs.get(jobs.size() - 1);
    w.jobId = job.path("job_id").asLong();
    assertThat(job.path("has_network_credentials").asBoolean()).isTrue();
    assertThat(page.content()).doesNotContain(w.sharePassword);
  }

  // ---- running and the live view ----

  @When("the person starts the job from the jobs list")
  public void startFromList() {
    page.getByRole(AriaRole.BUTTON, byName("Run " + jobName + " now")).click();
    assertThat(heading(Pattern.compile("^Backup of " + quote(jobName)))).isVisible();
    liveRunId = Long.parseLong(page.url().replaceAll(".*/runs/(\\d+)/live$", "$1"));
    w.runId = liveRunId;
    w.runIds.add(liveRunId);
  }

  @Then("the live view shows the run moving, then {string} with every file counted")
  public void liveViewMovesThenEnds(String status) {
    Locator badge = page.locator(".live-status .badge");
    assertThat(badge).hasText("running", timeout(60_000));
    // Moving: one render shows the run running with bytes done (it is limited to 400 KiB/s).
    assertThat(page.locator(".card.live[data-status='running']:not([data-bytes='0'])")).isVisible();
    shot("live-running");
    assertThat(badge).hasText(status, timeout(RUN_TIMEOUT_MS));
    assertThat(page.locator("[data-stat='Files']"))
        .hasText(w.manifest.fileCount() + " of " + w.manifest.fileCount());
    assertThat(page.locator("#live-progress")).hasAttribute("value", "100");
    shot("live-success");
  }

  @Then("the live view shows the run reaching {string}")
  public void liveViewEnds(String status) {
    assertThat(page.locator(".live-status .badge")).hasText(status, timeout(RUN_TIMEOUT_MS));
    shot("live-" + status);
  }

  @Then("the live view's events include {string} and {string}")
  public void liveEvents(String first, String last) {
    assertThat(page.locator("table.events tr[data-code='" + first + "']")).hasCount(1);
    assertThat(page.locator("table.events tr[data-code='" + last + "']")).hasCount(1);
  }

  @When("the person cancels the run in the live view")
  public void cancelInLiveView() {
    assertThat(page.locator(".live-status .badge")).hasText("running", timeout(60_000));
    page.getByRole(AriaRole.BUTTON, byName("Cancel backup")).click();
    shot("live-cancel-confirm");
    page.getByRole(AriaRole.BUTTON, byName("Yes, cancel it")).click();
  }

  // ---- restore ----

  @When("the person restores {string} of that run into {string} picked in the folder browser")
  public void restoreOneFile(String relative, String windowsTarget) {
    page.getByRole(AriaRole.LINK, byName("Restore from this run")).click();
    assertThat(heading("Restore from " + jobName)).isVisible();
    assertThat(page.getByRole(AriaRole.RADIO, byName(Pattern.compile("run " + liveRunId + "$"))))
        .isChecked();
    shot("restore-1-snapshot");
    next();
    page.getByLabel("Only these files and folders").check();
    page.getByLabel("Files and folders (one per line)").fill(relative);
    shot("restore-2-what");
    next();
    String[] parts = windowsTarget.split("\\\\");
    page.getByRole(AriaRole.BUTTON, byName(Pattern.compile("^Open " + parts[0]))).click();
    for (int i = 1; i < parts.length; i++) {
      page.getByRole(AriaRole.BUTTON, byName("Open " + parts[i])).click();
    }
    assertThat(page.getByText(Pattern.compile("in " + quote(windowsTarget) + "\\.$"))).isVisible();
    page.getByRole(AriaRole.BUTTON, byName("Use this folder")).click();
    assertThat(page.locator("ul.chosen")).containsText(windowsTarget);
    page.getByLabel("When a file already exists").selectOption("always");
    shot("restore-3-where");
    next();
    assertThat(page.locator("dl.facts")).containsText(relative);
    shot("restore-4-review");
    page.getByRole(AriaRole.BUTTON, byName("Start restore")).click();
    assertThat(heading(Pattern.compile("^Restore of " + quote(jobName)))).isVisible();
    w.restoreRunId = Long.parseLong(page.url().replaceAll(".*/runs/(\\d+)/live$", "$1"));
  }

  @Then("{string} on the agent's computer equals {string} of the backed-up folder")
  public void restoredFileEquals(String windowsPath, String relative) throws IOException {
    Path restored = hostPath(windowsPath);
    TreeManifest.Entry original = w.manifest.entry(relative).orElseThrow();
    assertThat(restored).exists();
    assertThat(Files.size(restored)).isEqualTo(original.size());
    assertThat(Files.readAllBytes(restored))
        .isEqualTo(Files.readAllBytes(w.folder.resolve(relative)));
    try (var files = Files.walk(restored.getParent().getParent())) {
      assertThat(files.filter(Files::isRegularFile).count())
          .as("only the chosen file was restored")
          .isEqualTo(1);
    }
  }

  // ---- runs pages ----

  @Then("the runs page lists the backup and the restore with the {string} engine")
  public void runsPage(String engineLabel) {
    page.getByRole(AriaRole.LINK, byName("Runs").setExact(true)).first().click();
    assertThat(heading("Runs")).isVisible();
    Locator backup = page.locator("tr[data-run-id='" + liveRunId + "']");
    Locator restore = page.locator("tr[data-run-id='" + w.restoreRunId + "']");
    assertThat(backup).containsText(engineLabel);
    assertThat(backup).containsText("backup");
    assertThat(restore).containsText(engineLabel);
    assertThat(restore).containsText("restore");
    assertThat(restore.locator(".badge")).hasText("success");
    shot("runs");
  }

  @Then("the run's detail page shows its events and the addon's log")
  public void runDetail() {
    page.getByRole(AriaRole.LINK, byName("Run " + liveRunId).setExact(true)).click();
    assertThat(heading(Pattern.compile("^Backup run " + liveRunId))).isVisible();
    assertThat(page.locator("table.events tr[data-code='BACKUP_COMPLETED']")).hasCount(1);
    assertThat(page.locator("table.logs tbody tr").first()).isVisible();
    assertThat(page.locator("dl.facts")).containsText("success");
    shot("run-detail");
  }

  // ---- admin ----

  @Then("the admin page lists the agent {string} with its last-seen time")
  public void adminAgent(String state) {
    Locator row = page.locator("tr[data-agent-id='" + w.account.agentId() + "']");
    assertThat(row).containsText(state);
    assertThat(row).containsText("ago");
  }

  @Then("the admin page lists the run with engine {string}, its destination and log reference")
  public void adminRun(String engine) {
    Locator row = page.locator("tr[data-run-id='" + w.runId + "']");
    assertThat(row).containsText(engine);
    assertThat(row).containsText(w.bucket + "/" + w.prefix);
    String logRef =
        w.api()
            .post("cloudbackup_get_run_logs.php", java.util.Map.of("run_id", w.runId))
            .path("log_ref")
            .asText();
    assertThat(logRef).as("the agent reported a log reference").isNotBlank();
    assertThat(row).containsText(logRef);
    shot("admin");
  }

  @When("the admin queues {string} for the job")
  public void adminQueues(String label) {
    page.locator("tr[data-job-id='" + w.jobId + "']")
        .getByRole(
            AriaRole.BUTTON,
            new Locator.GetByRoleOptions().setName(Pattern.compile("^" + quote(label))))
        .click();
  }

  @Then("the admin page shows the command {string}")
  public void adminCommand(String status) {
    assertThat(page.locator("ul.commands li .badge").first())
        .hasText(status, timeout(RUN_TIMEOUT_MS));
    shot("admin-command-" + status);
  }

  // ---- Cloud NAS ----

  @When("the person adds drive {string} for that bucket on the Cloud NAS page")
  public void addDrive(String letter) {
    page.navigate(w.env.addon().consoleUrl() + "#/nas/new");
    assertThat(heading("Add a drive")).isVisible();
    page.getByLabel("Bucket", new Page.GetByLabelOptions().setExact(true)).selectOption(w.bucket);
    page.getByLabel("Drive letter").selectOption(letter);
    shot("nas-add-drive");
    page.getByRole(AriaRole.BUTTON, byName("Add drive")).click();
    assertThat(heading("Cloud NAS")).isVisible();
  }

  @When("the person mounts {string} from its card")
  public void mountFromCard(String letter) {
    page.getByRole(AriaRole.BUTTON, byName("Mount " + letter)).click();
  }

  @When("the person unmounts {string} from its card")
  public void unmountFromCard(String letter) {
    page.getByRole(AriaRole.BUTTON, byName("Unmount " + letter)).click();
  }

  @Then("the card of {string} shows {string} and the cache used the agent reported")
  public void driveCardMounted(String letter, String status) {
    Locator card =
        page.locator("article.drive")
            .filter(
                new Locator.FilterOptions()
                    .setHas(
                        page.getByRole(AriaRole.HEADING, byName(Pattern.compile("^" + letter)))));
    assertThat(card)
        .hasAttribute(
            "data-status", status, new LocatorAssertions.HasAttributeOptions().setTimeout(90_000));
    assertThat(card.locator(".badge")).hasText(status);
    Locator cache = card.locator(".cache-used");
    assertThat(cache)
        .hasText(Pattern.compile("^Cache used: [0-9.,]+ [KMGT]?i?B$"), timeout(30_000));
    long reported = -1;
    for (var m : w.api().post("cloudnas_list_mounts.php", java.util.Map.of()).path("mounts")) {
      if (m.path("drive_letter").asText().equals(letter.substring(0, 1))) {
        reported = m.path("cache_bytes_used").asLong(-1);
      }
    }
    assertThat(reported).as("the agent reported the cache's size").isGreaterThanOrEqualTo(0);
    assertThat(cache).hasAttribute("data-cache-bytes", String.valueOf(reported));
    String next = "mounted".equals(status) ? "Unmount " : "Mount ";
    assertThat(page.getByRole(AriaRole.BUTTON, byName(next + letter))).isEnabled();
    shot("nas-drive-" + status);
  }

  // ---- Time Machine ----

  @When("the person opens Time Machine for the job and browses {string} in the older snapshot")
  public void timeMachineBrowse(String folder) {
    page.navigate(w.env.addon().consoleUrl() + "#/nas/timemachine?job=" + w.jobId);
    assertThat(heading("Time Machine")).isVisible();
    Locator marks = page.locator("ol.timeline button.mark");
    assertThat(marks).hasCount(2);
    marks.first().click();
    assertThat(marks.first()).hasAttribute("aria-pressed", "true");
    page.getByRole(AriaRole.BUTTON, byName("Browse this snapshot")).click();
    shot("timemachine-waiting");
    page.getByRole(AriaRole.BUTTON, byName("Open folder " + folder))
        .click(new Locator.ClickOptions().setTimeout(120_000));
    assertThat(page.locator("table.tm-listing[data-path='" + folder + "']")).isVisible();
    shot("timemachine-browse");
  }

  @Then("the listing shows the folders first and {string} with its size")
  public void timeMachineListing(String name) {
    Object listed =
        page.locator("table.tm-listing tbody tr")
            .evaluateAll("rows => rows.map(r => r.dataset.type)");
    List<String> types = ((List<?>) listed).stream().map(String::valueOf).toList();
    assertThat(types).isNotEmpty();
    int firstFile = types.indexOf("file");
    assertThat(types.subList(firstFile < 0 ? types.size() : firstFile, types.size()))
        .as("folders come before files")
        .doesNotContain("dir");
    Locator row = page.locator("table.tm-listing tr[data-name='" + name + "']");
    assertThat(row).hasCount(1);
    long size = w.manifest.entry("docs/" + name).orElseThrow().size();
    assertThat(row).containsText(formatBytes(size));
  }

  @When("the person compares the older snapshot with the newer one")
  public void timeMachineCompare() {
    page.getByRole(AriaRole.BUTTON, byName("Compare")).click();
  }

  @Then("the comparison lists {string} as {string} and {string} as {string}")
  public void timeMachineChanges(String first, String kind1, String second, String kind2) {
    Locator a = page.locator("table.tm-changes tr[data-path='" + first + "']");
    assertThat(a)
        .hasAttribute(
            "data-kind", kind1, new LocatorAssertions.HasAttributeOptions().setTimeout(120_000));
    assertThat(a.locator(".badge")).hasText(kind1);
    Locator b = page.locator("table.tm-changes tr[data-path='" + second + "']");
    assertThat(b).hasAttribute("data-kind", kind2);
    assertThat(page.locator("dl.tm-totals")).containsText("Removed");
    shot("timemachine-compare");
  }

  /** The page's bytes() formatting, to find a size as the person reads it. */
  private String formatBytes(long n) {
    return (String) page.evaluate("n => import('./dom.js').then(m => m.bytes(n))", (double) n);
  }

  // ---- helpers ----

  private Locator heading(String name) {
    return page.getByRole(AriaRole.HEADING, byName(name).setLevel(1));
  }

  private Locator heading(Pattern name) {
    return page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName(name).setLevel(1));
  }

  /**
   * Escapes regex characters (Pattern.quote's Q-E quoting means nothing to the browser's regex).
   */
  private static String quote(String text) {
    return text.replaceAll("[\\\\^$.|?*+()\\[\\]{}]", "\\\\$0");
  }

  private static Page.GetByRoleOptions byName(String name) {
    return new Page.GetByRoleOptions().setName(name).setExact(true);
  }

  private static Page.GetByRoleOptions byName(Pattern name) {
    return new Page.GetByRoleOptions().setName(name);
  }

  private static LocatorAssertions.HasTextOptions timeout(double ms) {
    return new LocatorAssertions.HasTextOptions().setTimeout(ms);
  }

  /** Saves the whole page as target/console-screenshots/NAME.png. */
  private void shot(String name) {
    page.screenshot(
        new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")).setFullPage(true));
  }

  @After
  public void closeBrowserContext(Scenario scenario) {
    if (context == null) {
      return;
    }
    if (scenario.isFailed() && page != null) {
      shot("FAILED-" + scenario.getName().replaceAll("[^A-Za-z0-9]+", "-"));
    }
    context.close();
    context = null;
    if (!scenario.isFailed()) {
      assertThat(scriptErrors).as("script errors in the console's pages").isEmpty();
    }
  }

  @AfterAll
  public static void closeBrowser() {
    ConsoleBrowser.close();
  }
}
