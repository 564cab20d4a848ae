package io.twinlog.operator.it;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Timer;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.twinlog.operator.TwinlogOperator;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.reconciler.OperatorSettings;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Operator scale benchmark (not a test; prints figures for docs/benchmarks.md): N CdcPipelines
 * created at once against the mock API server; time until every one has all its resources and a
 * status; heap after. Run:
 *
 * <pre>
 * ./dev mvn -B -ntp -q -pl contracts,testkit install -DskipTests -Dtwinlog.target=target-rec
 * MAVEN_OPTS=-Xmx1g ./dev mvn -B -ntp -q -pl operator test-compile exec:java \
 *   -Dtwinlog.target=target-rec -Dexec.mainClass=io.twinlog.operator.it.OperatorScaleBenchmark \
 *   -Dexec.classpathScope=test "-Dexec.args=10 100 500"
 * </pre>
 */
public final class OperatorScaleBenchmark {
  private static final int CONNECTORS_PER_PIPELINE = 3;

  private OperatorScaleBenchmark() {}

  public static void main(String[] args) throws Exception {
    List<Integer> sizes = new ArrayList<>();
    for (String arg : args.length == 0 ? new String[] {"10", "100", "500"} : args) {
      sizes.add(Integer.parseInt(arg));
    }
    System.out.printf(
        "machine: %d cores, max heap %d MB, %s %s%n",
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() / (1024 * 1024),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"));
    // The first round runs on a cold JVM (class loading, JIT): reported, but labelled.
    System.out.println("warm-up round (cold JVM):");
    run(sizes.get(0));
    System.out.println("measured rounds:");
    for (int n : sizes) {
      run(n);
    }
    System.exit(0);
  }

  private static void run(int n) throws Exception {
    try (MockCluster cluster = MockCluster.start()) {
      KubernetesClient client = cluster.client();
      String ns = "bench-" + n;
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
      long heapBaseline = usedHeapAfterGc();
      TwinlogOperator operator =
          TwinlogOperator.start(client, Clock.systemUTC(), OperatorSettings.inProcess());
      long start = System.nanoTime();
      ExecutorService creators = Executors.newFixedThreadPool(8);
      List<Future<?>> created = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String name = "orders-" + i;
        created.add(
            creators.submit(() -> client.resource(Pipelines.orders(client, ns, name)).create()));
      }
      for (Future<?> f : created) {
        f.get();
      }
      creators.shutdown();
      long createdAt = System.nanoTime();
      // A status is written after the pipeline's resources were applied in the same
      // reconciliation, so polling statuses (cheaply: the mock server serializes every object
      // listed) is enough; the resources are counted once at the end.
      org.awaitility.Awaitility.await("a status on each of the " + n + " pipelines")
          .atMost(Duration.ofMinutes(30))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                cluster.takeRequests(); // the mock server keeps every request otherwise
                return withStatus(client, ns) >= n;
              });
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      if (!resourcesComplete(client, ns, n)) {
        throw new IllegalStateException("statuses written but resources missing");
      }
      cluster.takeRequests();
      System.out.printf("  %s%n", reconcileTimes(operator));
      long heapWithOperator = usedHeapAfterGc();
      operator.close();
      operator = null; // let the stopped operator's caches be collected
      long heapWithoutOperator = usedHeapAfterGc();
      System.out.printf("load average (1/5/15 min) during run: %s%n", loadAverage());
      System.out.printf(
          "N=%d: all resources + status in %.1f s (creates took %.1f s); heap used after GC:"
              + " %d MB with operator, %d MB after stopping it, %d MB before starting it"
              + " (mock server + its stored objects); operator share ~%d MB%n",
          n,
          elapsed.toMillis() / 1000.0,
          Duration.ofNanos(createdAt - start).toMillis() / 1000.0,
          mb(heapWithOperator),
          mb(heapWithoutOperator),
          mb(heapBaseline),
          mb(heapWithOperator - heapWithoutOperator));
    }
  }

  private static long withStatus(KubernetesClient client, String ns) {
    return client.resources(CdcPipeline.class).inNamespace(ns).list().getItems().stream()
        .filter(p -> p.getStatus() != null && p.getStatus().getObservedGeneration() != null)
        .count();
  }

  private static boolean resourcesComplete(KubernetesClient client, String ns, int n) {
    int connectors =
        client.resources(KafkaConnector.class).inNamespace(ns).list().getItems().size();
    int deployments = client.resources(Deployment.class).inNamespace(ns).list().getItems().size();
    return connectors == n * CONNECTORS_PER_PIPELINE && deployments == n;
  }

  /** The operator's own time in reconcile() (JOSDK's timer), apart from the API server's. */
  private static String reconcileTimes(TwinlogOperator operator) {
    return operator.meterRegistry().getMeters().stream()
        .filter(m -> m instanceof Timer)
        .map(Timer.class::cast)
        .filter(t -> t.getId().getName().contains("controllers.execution.reconcile"))
        .map(
            t ->
                String.format(
                    "reconcile(): %d calls, %.1f s in total, mean %.1f ms, max %.1f ms",
                    t.count(),
                    t.totalTime(TimeUnit.SECONDS),
                    t.mean(TimeUnit.MILLISECONDS),
                    t.max(TimeUnit.MILLISECONDS)))
        .reduce((a, b) -> a + "; " + b)
        .orElse("no reconcile timer");
  }

  private static String loadAverage() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).strip();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static long mb(long bytes) {
    return bytes / (1024 * 1024);
  }
}
