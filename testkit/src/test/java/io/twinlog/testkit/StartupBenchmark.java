package io.twinlog.testkit;

import java.time.Duration;

/**
 * Prints how long the testkit's parts take to start and stop on this machine (not run by verify).
 *
 * <p>{@code ./dev mvn -B -ntp -q -pl testkit -am install -DskipTests -Dtwinlog.target=target-bench
 * && ./dev mvn -B -ntp -q -pl testkit exec:java@startup -Dtwinlog.target=target-bench
 * -Dbench.rounds=3}
 */
public final class StartupBenchmark {

  private StartupBenchmark() {}

  public static void main(String[] args) {
    int rounds = Integer.getInteger("bench.rounds", 3);
    // The first MariaDB start may unpack the binaries and build the template datadir (cached).
    time(
        "mariadb binaries + template (cached after the first run)",
        MariaDbBinaries::templateDatadir);
    for (int round = 1; round <= rounds; round++) {
      System.out.println("round " + round);
      long t0 = System.nanoTime();
      try (MariaDbCluster cluster = MariaDbCluster.builder().replicas(2).start()) {
        print("  MariaDbCluster primary + 2 replicas, replicating", t0);
        long t1 = System.nanoTime();
        cluster.replica(0).stop();
        print("  replica graceful stop", t1);
        long t2 = System.nanoTime();
        cluster.replica(0).start();
        cluster.awaitReplicaCaughtUp(cluster.replica(0), Duration.ofSeconds(30));
        print("  replica restart + catch-up", t2);
      }
      long t3 = System.nanoTime();
      try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
        print("  EmbeddedKafka start", t3);
        long t4 = System.nanoTime();
        try (EmbeddedConnect connect = EmbeddedConnect.start(kafka)) {
          print("  EmbeddedConnect start (healthy)", t4);
        }
      }
    }
  }

  private static void time(String label, Runnable action) {
    long t0 = System.nanoTime();
    action.run();
    print(label, t0);
  }

  private static void print(String label, long startNanos) {
    System.out.printf("%-55s %6d ms%n", label, (System.nanoTime() - startNanos) / 1_000_000);
  }
}
