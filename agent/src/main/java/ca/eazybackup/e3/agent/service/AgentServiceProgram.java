package ca.eazybackup.e3.agent.service;

import ca.eazybackup.e3.agent.config.ConfigException;
import ca.eazybackup.e3.shims.ServiceControlRequest;
import ca.eazybackup.e3.shims.ServiceProgram;
import ca.eazybackup.e3.shims.ServiceState;
import ca.eazybackup.e3.shims.ServiceStatus;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent as the SCM drives it. ServiceMain reports START_PENDING, starts the agent, reports
 * RUNNING and waits; the control handler answers STOP, SHUTDOWN and PRESHUTDOWN at once with
 * STOP_PENDING (the SCM allows a handler 30 s) and wakes ServiceMain, which stops the agent - the
 * running run is cancelled, checkpointed and reported to the addon - while raising its checkpoint
 * every second, so the SCM sees progress well inside each wait hint.
 */
public final class AgentServiceProgram implements ServiceProgram {
  /** Exit code for a config the service cannot start with (as {@code run}'s exit 3). */
  public static final int EXIT_CONFIG = 3;

  static final Duration START_HINT = Duration.ofSeconds(20);
  static final Duration STOP_HINT = Duration.ofSeconds(5);
  static final Duration CHECKPOINT_EVERY = Duration.ofSeconds(1);

  private static final Logger LOG = LoggerFactory.getLogger(AgentServiceProgram.class);

  /** Starts the agent; the service's one dependency, so tests can give it another. */
  public interface Starter {
    Running start() throws ConfigException;
  }

  /** A started agent as the service stops it. */
  public interface Running {
    void stop();
  }

  private final Starter starter;
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private volatile ServiceControlRequest reason;

  public AgentServiceProgram(Starter starter) {
    this.starter = starter;
  }

  @Override
  public int main(ServiceStatus status) throws InterruptedException {
    status.report(ServiceState.START_PENDING, 1, START_HINT);
    Running agent;
    try {
      agent = starter.start();
    } catch (ConfigException e) {
      LOG.error("service.config_error error={}", e.getMessage());
      System.err.println("e3-backup-agent service: " + e.getMessage());
      return EXIT_CONFIG;
    }
    status.report(ServiceState.RUNNING, 0, Duration.ZERO);
    LOG.info("service.running");
    stopRequested.await();
    LOG.info("service.stopping control={}", reason);
    Thread stopper = new Thread(agent::stop, "e3-service-stop");
    stopper.start();
    int checkPoint = 2;
    while (stopper.isAlive()) {
      status.report(ServiceState.STOP_PENDING, checkPoint++, STOP_HINT);
      stopper.join(CHECKPOINT_EVERY.toMillis());
    }
    LOG.info("service.stopped control={} checkpoints={}", reason, checkPoint - 2);
    return 0;
  }

  @Override
  public void control(ServiceControlRequest request, ServiceStatus status) {
    if (request == ServiceControlRequest.INTERROGATE || stopRequested.getCount() == 0) {
      return;
    }
    reason = request;
    status.report(ServiceState.STOP_PENDING, 1, STOP_HINT);
    stopRequested.countDown();
  }

  /** Whether a stop was asked for (tests). */
  boolean awaitStopRequest(Duration timeout) throws InterruptedException {
    return stopRequested.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
