package io.twinlog.e2e;

import io.twinlog.e2e.check.ScenarioReport;
import io.twinlog.e2e.erp.ErpRequest;
import io.twinlog.e2e.stack.E2eStack;
import io.twinlog.e2e.stack.Faults;
import io.twinlog.e2e.stack.PipelineRun;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * End-to-end benchmark (not run by {@code verify}): on the whole local stack, a steady workload on
 * the primary, then latency (primary commit to ERP receipt) p50/p99 and throughput (changes/s from
 * the first commit to the last ERP 2xx); then failure-to-restart-requested (a source task FAILED in
 * Connect to the restart the operator asked for, as the Strimzi stand-in performed it), several
 * times. Run: {@code ./dev mvn -B -ntp -q -pl e2e exec:java@benchmark} after installing upstream
 * modules; optional {@code -Dtwinlog.bench.rate=50 -Dtwinlog.bench.seconds=60}.
 */
public final class Benchmark {
  private Benchmark() {}

  public static void main(String[] args) throws Exception {
    int rate = Integer.getInteger("twinlog.bench.rate", 50);
    int seconds = Integer.getInteger("twinlog.bench.seconds", 60);
    int restarts = Integer.getInteger("twinlog.bench.restarts", 3);
    Duration wait = Duration.ofMinutes(3);
    try (E2eStack stack = E2eStack.start();
        PipelineRun run = PipelineRun.apply(stack, "bench", "bench", 5501, 1)) {
      run.awaitReady(wait);
      run.awaitStreaming(wait);
      stack.erp().clear();
      int before = run.workload().truth().size();
      Instant start = Instant.now();
      run.workload().run(rate * seconds, rate);
      run.awaitQuiescent(wait);
      ScenarioReport report = run.check("benchmark", null, 0);
      Instant lastAck =
          stack.erp().requests().stream()
              .filter(ErpRequest::accepted)
              .map(ErpRequest::receivedAt)
              .max(Instant::compareTo)
              .orElseThrow();
      int changes = run.workload().truth().size() - before;
      double perSecond = changes / (Duration.between(start, lastAck).toMillis() / 1000.0);

      List<Duration> toRestart = new ArrayList<>();
      for (int i = 0; i < restarts; i++) {
        Instant failed = Faults.failSourceTask(stack, run, 1, wait);
        Instant restarted = Faults.awaitRestart(stack, run.sourceConnector(1), failed, wait);
        toRestart.add(Duration.between(failed, restarted));
        stack.mariadb().replica(1).start();
        run.awaitReady(wait);
      }

      System.out.println();
      System.out.printf(
          "workload: %d transactions at %d/s (%d row changes); machine: %d cores, %s%n",
          rate * seconds,
          rate,
          changes,
          Runtime.getRuntime().availableProcessors(),
          System.getProperty("os.name")
              + " "
              + System.getProperty("os.arch")
              + ", JDK "
              + Runtime.version());
      System.out.printf(
          "end-to-end latency (primary commit -> ERP receipt): p50 %d ms, p99 %d ms%n",
          report.latencyP50().toMillis(), report.latencyP99().toMillis());
      System.out.printf("throughput (first commit -> last ERP 2xx): %.0f changes/s%n", perSecond);
      System.out.printf(
          "failure -> restart requested (%d runs): %s%n",
          toRestart.size(), toRestart.stream().map(d -> d.toMillis() + " ms").toList());
      System.out.println("check: " + report.summary());
      report.problems().forEach(p -> System.out.println("  problem: " + p));
    }
    System.exit(0);
  }
}
