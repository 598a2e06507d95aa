package ca.eazybackup.e3.whmcs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Many agents polling at once never share a run. */
class ClaimConcurrencyTest extends ServerTest {
  private static final int AGENTS = 50;
  private static final int RUNS = 200;
  private static final int POLLERS_PER_AGENT = 2;

  @Test
  void claimsEachRunExactlyOnceUnderFiftyAgents() throws Exception {
    Tenant t = Tenant.create(http);
    List<Tenant.Agent> agents = new ArrayList<>();
    List<Long> jobs = new ArrayList<>();
    for (int i = 0; i < AGENTS; i++) {
      Tenant.Agent a = i == 0 ? t.agent() : t.secondAgent();
      agents.add(a);
      Map<String, Object> spec = t.jobSpec();
      spec.put("agent_id", a.id());
      jobs.add(t.createJob(spec));
    }
    // Four runs per agent: the API allows one active run per job, so four jobs per agent.
    List<Long> queued = new ArrayList<>();
    for (int round = 0; round < RUNS / AGENTS; round++) {
      for (int i = 0; i < AGENTS; i++) {
        long jobId = round == 0 ? jobs.get(i) : extraJob(t, agents.get(i));
        queued.add(t.startRun(jobId));
      }
    }
    assertThat(queued).hasSize(RUNS);

    ConcurrentLinkedQueue<Long> claimed = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(AGENTS * POLLERS_PER_AGENT);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (Tenant.Agent a : agents) {
      for (int p = 0; p < POLLERS_PER_AGENT; p++) {
        futures.add(
            pool.submit(
                () -> {
                  go.await();
                  while (true) {
                    Http.Response r = t.agent(a, "agent_next_run.php", Map.of());
                    assertThat(r.code()).isEqualTo(200);
                    JsonNode run = r.body().get("run");
                    if (run.isNull()) {
                      return null;
                    }
                    claimed.add(run.get("run_id").asLong());
                  }
                }));
      }
    }
    go.countDown();
    for (Future<?> f : futures) {
      f.get(120, TimeUnit.SECONDS);
    }
    pool.shutdown();

    assertThat(claimed).hasSize(RUNS).doesNotHaveDuplicates();
    assertThat(claimed).containsExactlyInAnyOrderElementsOf(queued);
  }

  private static long extraJob(Tenant t, Tenant.Agent a) {
    Map<String, Object> spec = t.jobSpec();
    spec.put("agent_id", a.id());
    return t.createJob(spec);
  }
}
