package io.twinlog.e2e;

import io.twinlog.e2e.check.ScenarioReport;
import io.twinlog.e2e.stack.E2eStack;
import io.twinlog.e2e.stack.PipelineRun;
import io.twinlog.e2e.stack.SourceCluster;
import io.twinlog.e2e.workload.Workload;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.testkit.MariaDbServer;
import io.twinlog.testkit.PostgresCluster;
import io.twinlog.testkit.PostgresServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The local playground ({@code ./dev playground}): the whole Twinlog stack on this machine with
 * {@code samples/03-pipeline-minimal.yaml} (or, with {@code --source postgresql}, {@code
 * samples/07-pipeline-postgresql.yaml}) adapted to local addresses, a small steady workload, a live
 * {@code kubectl get cdcpipelines} table and delivery counters, one replica killed and brought back
 * while the stream goes on, and a summary when it stops (Ctrl-C, or {@code --duration 60s}).
 */
public final class Playground {
  private static final Duration KILL_AT = Duration.ofSeconds(15);
  // 45 s down: longer than the 30 s (3 heartbeat intervals) after which a silent source shows as
  // unhealthy with the sample's default stallAfter (2m), shorter than stallAfter (no restart).
  private static final Duration REVIVE_AT = Duration.ofSeconds(60);
  private static final int TRANSACTIONS_PER_SECOND = 20;

  private static final int TAIL_LINES = 20;

  private final PlaygroundView view;
  private final PlaygroundLog log;
  private final Duration duration;
  private final boolean postgres;
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile boolean stopRequested;
  private volatile E2eStack stack;
  private volatile PipelineRun run;
  private volatile boolean ok = true;
  private volatile List<String> logAtFailure;

  private Playground(PlaygroundView view, PlaygroundArgs args, PlaygroundLog log) {
    this.view = view;
    this.log = log;
    this.duration = args.duration();
    this.postgres = args.postgres();
  }

  public static void main(String[] args) throws Exception {
    PlaygroundArgs parsed = PlaygroundArgs.parse(args);
    boolean terminal = System.console() != null && !"dumb".equals(System.getenv("TERM"));
    // First, before any library's logger exists: every log line goes to the file, the view to
    // the terminal.
    PlaygroundLog log = PlaygroundLog.redirect();
    Playground playground =
        new Playground(new PlaygroundView(log.terminal(), terminal, log.stream()), parsed, log);
    Runtime.getRuntime().addShutdownHook(new Thread(playground::onShutdown, "playground-stop"));
    playground.runToEnd();
    System.exit(playground.ok ? 0 : 1);
  }

  private void onShutdown() {
    stopRequested = true;
    try {
      // Let the main loop print its summary and close the stack; close it here if it cannot.
      if (!finished.await(60, TimeUnit.SECONDS) && stack != null) {
        stack.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void runToEnd() {
    try {
      view.event("Logs (Kafka, Connect, Debezium, the operator, ...): " + log.file());
      view.event(
          "Starting MariaDB (primary + 2 replicas), Kafka, Kafka Connect (Debezium + ERP sink),"
              + " the Kubernetes API (mock), Strimzi stand-ins and the Twinlog operator...");
      stack = E2eStack.start(false);
      if (postgres) {
        view.event("Starting PostgreSQL (primary + 2 streaming standbys)...");
        stack.postgres();
      }
      view.event("Stack up. ERP stand-in listening on " + stack.erp().url());
      if (!stopRequested) {
        play();
      }
    } catch (Throwable e) {
      failed(e);
    } finally {
      try {
        if (stack != null) {
          view.event("Stopping everything and deleting temporary folders...");
          stack.close();
          view.event("Stopped. No processes or temporary folders left behind.");
        }
      } catch (Throwable e) {
        failed(e);
      } finally {
        farewell();
        finished.countDown();
      }
    }
  }

  private void failed(Throwable e) {
    failed();
    view.event("FAILED: " + e);
    e.printStackTrace(); // System.err: the log file
  }

  /** Marks the run failed; the first time, keeps the log's last lines as they are now. */
  private synchronized void failed() {
    if (logAtFailure == null) {
      logAtFailure = log.tail(TAIL_LINES);
    }
    ok = false;
  }

  /**
   * The view's last lines: where the log is and, after a failure, the log's last lines as they were
   * when it failed (stopping the stack logs more after that).
   */
  private void farewell() {
    if (ok) {
      view.event("Logs: " + log.file());
      return;
    }
    view.event(
        "The playground failed. Logs: "
            + log.file()
            + "; its last "
            + logAtFailure.size()
            + " lines when it failed:");
    // Cut to a terminal line or two; the file has them whole.
    view.lines(
        logAtFailure.stream()
            .map(l -> "  | " + (l.length() > 200 ? l.substring(0, 197) + "..." : l))
            .toList());
  }

  private void play() throws Exception {
    stack.prepareNamespace(PlaygroundPipeline.NAMESPACE);
    stack.putSecret(
        PlaygroundPipeline.NAMESPACE, "erp-credentials", Map.of("token", "playground-token"));
    CdcPipeline sample = PlaygroundPipeline.sample(postgres);
    Workload workload;
    List<PlaygroundPipeline.HostPort> servers = new ArrayList<>();
    SourceCluster cluster;
    if (postgres) {
      PostgresCluster pg = stack.postgres();
      workload =
          Workload.createPostgres(
              pg.primary().jdbcUrl(PostgresCluster.DATABASE),
              PostgresServer.ADMIN_USER,
              PostgresServer.ADMIN_PASSWORD,
              PostgresCluster.DATABASE,
              PlaygroundPipeline.schema(sample),
              PostgresCluster.CDC_USER,
              42);
      PipelineRun.createPublication(
          pg.primary(),
          sample.getSpec().getSource().getPostgresql().getPublication(),
          workload.qualifiedTables());
      List<PostgresServer> all = new ArrayList<>(List.of(pg.primary()));
      all.addAll(pg.standbys());
      all.forEach(s -> servers.add(new PlaygroundPipeline.HostPort(s.host(), s.port())));
      PostgresServer victim = pg.standby(0);
      kill = victim::kill;
      revive = victim::start;
      cluster = SourceCluster.of(pg, all);
    } else {
      MariaDbServer primary = stack.mariadb().primary();
      workload =
          Workload.create(
              primary.jdbcUrl(),
              MariaDbServer.ADMIN_USER,
              MariaDbServer.ADMIN_PASSWORD,
              PlaygroundPipeline.database(sample),
              42);
      stack
          .mariadb()
          .replicas()
          .forEach(s -> servers.add(new PlaygroundPipeline.HostPort(s.host(), s.port())));
      MariaDbServer victim = stack.mariadb().replica(0);
      kill = victim::kill;
      revive = victim::start;
      cluster = SourceCluster.of(stack.mariadb());
    }
    cluster.awaitCaughtUp(Duration.ofSeconds(30));
    victimName = sample.getSpec().getSource().getReplicas().get(postgres ? 1 : 0).getName();
    CdcPipeline pipeline = PlaygroundPipeline.adapt(sample, stack, workload, servers);
    view.event(
        "Applying "
            + PlaygroundPipeline.sampleFile(postgres)
            + " as "
            + PlaygroundPipeline.NAMESPACE
            + "/"
            + pipeline.getMetadata().getName()
            + " (local addresses; tables "
            + pipeline.getSpec().getSource().getInclude().getTables()
            + ")");
    run = PipelineRun.apply(stack, pipeline, workload, cluster);
    Instant applied = Instant.now();
    while (!stopRequested && !ready()) {
      redraw("waiting for Ready (connectors, dedup, sink)");
      pause(Duration.ofSeconds(1));
      if (Duration.between(applied, Instant.now()).toMinutes() >= 5) {
        throw new IllegalStateException("not Ready after 5 minutes:\n" + run.describe());
      }
    }
    if (stopRequested) {
      return;
    }
    run.awaitStreaming(Duration.ofMinutes(3));
    view.event(
        "Ready: every source streams. Writing ~"
            + TRANSACTIONS_PER_SECOND
            + " transactions/s to the primary.");
    WorkloadLoop load =
        WorkloadLoop.start(
            workload,
            TRANSACTIONS_PER_SECOND,
            e -> failed(new IllegalStateException("the workload stopped writing: " + e, e)));
    Instant start = Instant.now();
    boolean killed = false;
    boolean revived = false;
    try {
      while (!stopRequested
          && (duration == null || Duration.between(start, Instant.now()).compareTo(duration) < 0)) {
        Duration elapsed = Duration.between(start, Instant.now());
        if (!killed && elapsed.compareTo(KILL_AT) >= 0) {
          kill.run();
          killed = true;
          killedAt = Instant.now();
          view.event(
              "Killed "
                  + victimName
                  + "'s database server (SIGKILL). Changes keep flowing through the others.");
        }
        if (killed && !revived && elapsed.compareTo(REVIVE_AT) >= 0) {
          revive.run();
          revived = true;
          revivedAt = Instant.now();
          view.event("Started " + victimName + " again; its connector reconnects and catches up.");
        }
        announceSources(killed ? (revived ? revivedAt : killedAt) : null, revived);
        redraw(killed && !revived ? victimName + " down, streaming from the others" : "streaming");
        pause(Duration.ofSeconds(1));
      }
    } finally {
      load.stop();
      if (killed && !revived) {
        revive.run();
      }
    }
    view.event("Workload stopped; waiting for the ERP to receive the last changes...");
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline) && report().delivered() < workload.truth().size()) {
      redraw("draining");
      pause(Duration.ofMillis(500));
    }
    summary();
  }

  private Runnable kill;
  private Runnable revive;
  private String victimName;
  private Instant killedAt;
  private Instant revivedAt;
  private String lastSources;

  /** An event line each time the SOURCES column changes, with the time since the kill/revival. */
  private void announceSources(Instant since, boolean revived) {
    CdcPipeline pipeline = run.current();
    String sources =
        pipeline == null || pipeline.getStatus() == null
            ? null
            : pipeline.getStatus().getSourcesReady();
    if (sources == null || sources.equals(lastSources)) {
      return;
    }
    if (lastSources != null && since != null) {
      String why =
          run.condition("SourcesHealthy")
              .map(c -> "SourcesHealthy=" + c.getStatus() + " " + c.getReason())
              .orElse("");
      view.event(
          "SOURCES "
              + sources
              + " ("
              + why
              + "), "
              + Duration.between(since, Instant.now()).toSeconds()
              + " s after "
              + victimName
              + " was "
              + (revived ? "started again" : "killed")
              + ".");
    }
    lastSources = sources;
  }

  private boolean ready() {
    return run.condition("Ready").map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  private ScenarioReport report() {
    return run.check("playground", null, -1);
  }

  private void redraw(String phase) {
    view.draw(run.current(), report(), phase);
  }

  private void summary() {
    ScenarioReport report = run.check("playground", null, 0);
    redraw("done");
    view.event("Summary: " + report.summary());
    if (report.problems().isEmpty()) {
      view.event(
          "Every committed change reached the ERP exactly once, in order per row, through a replica"
              + " failure.");
    } else {
      failed();
      report.problems().forEach(p -> view.event("PROBLEM: " + p));
    }
  }

  private static void pause(Duration d) throws InterruptedException {
    Thread.sleep(d); // the display's refresh period, not a wait for a condition
  }
}
