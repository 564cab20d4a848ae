package io.twinlog.operator.health;

import static org.awaitility.Awaitility.await;

import io.twinlog.operator.observe.RealSources;
import io.twinlog.testkit.ConnectRest;
import io.twinlog.testkit.ConnectRest.ConnectorStatus;
import io.twinlog.testkit.MariaDbCluster;
import io.twinlog.testkit.MariaDbServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Captures real failure traces of the Debezium MariaDB connector (as the operator renders it) into
 * {@code src/test/resources/traces/captured-*.txt}, for {@code CapturedTracesTest}. Not run by
 * {@code verify}; re-run when Debezium or MariaDB changes (about a minute):
 *
 * <pre>
 * ./dev mvn -B -ntp -q -pl operator test-compile exec:java -Dtwinlog.target=target-stall \
 *   -Dexec.classpathScope=test -Dexec.mainClass=io.twinlog.operator.health.TraceCapture \
 *   -Dexec.args=operator/src/test/resources/traces
 * </pre>
 *
 * Scenarios on one replica's connector, in order: the CDC user's password changed under a running
 * connector, then its task restarted (wrong credentials); the replica stopped and the task
 * restarted (a task failing while starting because the database is down); the connector stopped,
 * the replica's binlogs purged past its offset, the connector resumed (error 1236).
 */
public final class TraceCapture {
  private static final AtomicInteger ROW = new AtomicInteger();

  private TraceCapture() {}

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args.length > 0 ? args[0] : "src/test/resources/traces");
    Files.createDirectories(out);
    try (RealSources sources = RealSources.start(1, "2m")) {
      MariaDbServer primary = sources.db().primary();
      MariaDbServer replica = sources.db().replica(0);
      ConnectRest rest = sources.rest();
      String name = sources.connectorName(0);
      sources.startConnector(0);
      write(sources, 5);
      awaitGtidOffset(rest, name);

      // (c) Wrong credentials: a password rotated on the database but not in the Secret.
      primary.execute("ALTER USER 'cdc'@'%' IDENTIFIED BY 'rotated-elsewhere'");
      sources.db().awaitReplicasCaughtUp(Duration.ofSeconds(30));
      rest.restart(name, true, false);
      save(out, "captured-access-denied", awaitFailedTrace(rest, name));
      primary.execute("ALTER USER 'cdc'@'%' IDENTIFIED BY '" + MariaDbCluster.CDC_PASSWORD + "'");
      sources.db().awaitReplicasCaughtUp(Duration.ofSeconds(30));
      rest.restart(name, true, false);
      sources.awaitRunning(0);

      // (b) The database is down when the task starts.
      replica.stop();
      rest.restart(name, true, false);
      save(out, "captured-database-down-at-start", awaitFailedTrace(rest, name));
      replica.start();
      rest.restart(name, true, false);
      sources.awaitRunning(0);
      write(sources, 5);
      awaitGtidOffset(rest, name);

      // (a) The binlog position purged while the connector was stopped.
      rest.stop(name);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> "STOPPED".equals(rest.status(name).state()));
      write(sources, 20);
      replica.purgeBinaryLogs();
      rest.resume(name);
      save(out, "captured-mariadb-1236-purged-while-stopped", awaitFailedTrace(rest, name));
    }
  }

  private static void write(RealSources sources, int rows) {
    for (int i = 0; i < rows; i++) {
      int id = ROW.incrementAndGet();
      sources.db().primary().execute("INSERT INTO shop.orders VALUES (" + id + ", 'new')");
    }
    sources.db().awaitReplicasCaughtUp(Duration.ofSeconds(30));
  }

  private static void awaitGtidOffset(ConnectRest rest, String name) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                rest.offsets(name).stream()
                    .anyMatch(o -> o.offset() != null && o.offset().get("gtids") != null));
  }

  private static String awaitFailedTrace(ConnectRest rest, String name) {
    ConnectorStatus status =
        await()
            .atMost(Duration.ofSeconds(90))
            .ignoreExceptionsInstanceOf(ConnectRest.ConnectRestException.class)
            .until(() -> rest.status(name), ConnectorStatus::anyFailed);
    if ("FAILED".equals(status.state()) && status.trace() != null) {
      return status.trace();
    }
    return status.tasks().stream()
        .filter(t -> "FAILED".equals(t.state()))
        .map(ConnectRest.TaskStatus::trace)
        .findFirst()
        .orElseThrow();
  }

  private static void save(Path dir, String name, String trace) throws IOException {
    Path file = dir.resolve(name + ".txt");
    Files.writeString(file, trace, StandardCharsets.UTF_8);
    System.out.println("captured " + file + ": " + FailureClassifier.summarize(trace));
  }
}
