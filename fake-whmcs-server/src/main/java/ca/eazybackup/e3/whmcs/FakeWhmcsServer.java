package ca.eazybackup.e3.whmcs;

import ca.eazybackup.e3.whmcs.adminapi.AdminRoutes;
import ca.eazybackup.e3.whmcs.agentapi.AgentRoutes;
import ca.eazybackup.e3.whmcs.clientapi.BrowseRequests;
import ca.eazybackup.e3.whmcs.clientapi.ClientCommands;
import ca.eazybackup.e3.whmcs.clientapi.ClientRoutes;
import ca.eazybackup.e3.whmcs.commands.CommandService;
import ca.eazybackup.e3.whmcs.console.ConsoleRoutes;
import ca.eazybackup.e3.whmcs.crypto.SecretBox;
import ca.eazybackup.e3.whmcs.db.AddonSettings;
import ca.eazybackup.e3.whmcs.db.Db;
import ca.eazybackup.e3.whmcs.http.Api;
import ca.eazybackup.e3.whmcs.http.Auth;
import ca.eazybackup.e3.whmcs.http.ErrorResponses;
import ca.eazybackup.e3.whmcs.http.Json;
import ca.eazybackup.e3.whmcs.jobs.JobContext;
import ca.eazybackup.e3.whmcs.jobs.JobService;
import ca.eazybackup.e3.whmcs.mail.JakartaSmtpSender;
import ca.eazybackup.e3.whmcs.mail.Notifier;
import ca.eazybackup.e3.whmcs.nas.NasService;
import ca.eazybackup.e3.whmcs.runs.RunClaimer;
import ca.eazybackup.e3.whmcs.runs.RunService;
import ca.eazybackup.e3.whmcs.scheduler.Scheduler;
import ca.eazybackup.e3.whmcs.simcontrol.SimRoutes;
import ca.eazybackup.e3.whmcs.watchdog.Watchdog;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fake WHMCS cloudstorage addon: a real HTTP server with the seed's endpoints, tables, watchdog
 * and scheduler. Start one per test or simulation; {@link #close()} stops it and its crons.
 */
public final class FakeWhmcsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FakeWhmcsServer.class);

  private final ServerConfig config;
  private final Db db;
  private final Javalin app;
  private final Notifier notifier;
  private final Watchdog watchdog;
  private final Scheduler scheduler;
  private final ScheduledExecutorService crons;
  private final BrowseRequests browse;

  private FakeWhmcsServer(
      ServerConfig config,
      Db db,
      Javalin app,
      Notifier notifier,
      Watchdog watchdog,
      Scheduler scheduler,
      ScheduledExecutorService crons,
      BrowseRequests browse) {
    this.config = config;
    this.db = db;
    this.app = app;
    this.notifier = notifier;
    this.watchdog = watchdog;
    this.scheduler = scheduler;
    this.crons = crons;
    this.browse = browse;
  }

  /** Migrates the database, starts HTTP on {@code config.host():config.port()} and the crons. */
  public static FakeWhmcsServer start(ServerConfig config) {
    Db db = Db.open(config.jdbcUrl());
    try {
      var clock = config.clock();
      SecretBox box = new SecretBox(config.moduleEncryptionKey());
      AddonSettings settings = new AddonSettings(db);
      Notifier notifier =
          new Notifier(
              db, clock, config.smtp() == null ? null : new JakartaSmtpSender(config.smtp()));
      JobContext jobContext = new JobContext(db, box, settings);
      RunService runs = new RunService(db, clock, notifier);
      RunClaimer claimer =
          new RunClaimer(db, clock, config.reclaimGrace(), config.watchdogTimeout(), notifier);
      CommandService commands =
          new CommandService(db, clock, jobContext, box, settings, notifier, config.reclaimGrace());
      NasService nas = new NasService(db, clock);
      JobService jobs = new JobService(db, box, clock);
      ClientCommands clientCommands = new ClientCommands(db, clock, notifier);
      Watchdog watchdog = new Watchdog(db, clock, config.watchdogTimeout(), notifier);
      Duration missedAfter =
          max(Duration.ofSeconds(60), config.schedulerInterval().multipliedBy(2));
      Scheduler scheduler = new Scheduler(db, clock, missedAfter);

      Javalin app =
          Javalin.create(
              cfg -> {
                cfg.showJavalinBanner = false;
                cfg.jsonMapper(new JavalinJackson(Json.MAPPER, false));
                cfg.http.defaultContentType = "application/json";
                cfg.jetty.defaultHost = config.host();
                ErrorResponses.configure(cfg);
              });
      ErrorResponses.install(app);
      Auth auth = new Auth(db, clock, config.adminToken());
      Api api = new Api(app, config.basePath(), auth);
      new AgentRoutes(db, auth, claimer, runs, commands, jobContext, nas).register(api);
      BrowseRequests browse = new BrowseRequests(db, commands, config.browseTimeout());
      new ClientRoutes(db, clock, jobs, runs, clientCommands, browse, nas).register(api);
      new AdminRoutes(db, clock, runs, clientCommands).register(api);
      new ConsoleRoutes(config.basePath()).register(app);
      new SimRoutes(db, clock, box, settings, auth, watchdog, scheduler).register(api);
      app.start(config.host(), config.port());

      ScheduledExecutorService crons =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "whmcs-crons");
                t.setDaemon(true);
                return t;
              });
      schedule(crons, config.watchdogSweepInterval(), "watchdog", watchdog::sweep);
      schedule(crons, config.schedulerInterval(), "scheduler", scheduler::tick);
      FakeWhmcsServer server =
          new FakeWhmcsServer(config, db, app, notifier, watchdog, scheduler, crons, browse);
      LOG.info("event=server_started url={}", server.baseUrl());
      return server;
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  private static void schedule(
      ScheduledExecutorService ex, Duration every, String name, Runnable job) {
    if (every.isZero() || every.isNegative()) {
      return;
    }
    ex.scheduleWithFixedDelay(
        () -> {
          try {
            job.run();
          } catch (RuntimeException e) {
            LOG.warn("event=cron_failed cron={} error={}", name, e.toString());
          }
        },
        every.toMillis(),
        every.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** E.g. {@code http://127.0.0.1:PORT/modules/addons/cloudstorage/api} (no trailing slash). */
  public String baseUrl() {
    return "http://" + config.host() + ":" + port() + config.basePath();
  }

  /** The simulation console's client page, e.g. {@code http://127.0.0.1:PORT/console/}. */
  public String consoleUrl() {
    return "http://" + config.host() + ":" + port() + ConsoleRoutes.PATH + "/";
  }

  public int port() {
    return app.port();
  }

  public ServerConfig config() {
    return config;
  }

  /** Runs the watchdog cron now; returns the ids of the runs it failed with AGENT_OFFLINE. */
  public List<Long> runWatchdog() {
    return watchdog.sweep();
  }

  /** Runs the scheduler cron now. */
  public Scheduler.Tick runScheduler() {
    return scheduler.tick();
  }

  /** Folder listings waiting for an agent's report now. */
  public int waitingBrowses() {
    return browse.waiting();
  }

  /** Server threads handling a request now (a waiting browse must not hold one). */
  int busyServerThreads() {
    var pool = app.jettyServer().server().getThreadPool();
    return pool instanceof org.eclipse.jetty.util.thread.QueuedThreadPool q
        ? q.getBusyThreads()
        : -1;
  }

  @Override
  public void close() {
    crons.shutdownNow();
    browse.close();
    app.stop();
    notifier.close();
    db.close();
  }
}
