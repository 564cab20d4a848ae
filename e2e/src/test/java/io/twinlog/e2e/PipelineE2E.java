package io.twinlog.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.twinlog.contracts.DedupAnomalyRecord;
import io.twinlog.e2e.check.DeliveryCheck;
import io.twinlog.e2e.check.ExcusedCheck;
import io.twinlog.e2e.check.ScenarioReport;
import io.twinlog.e2e.erp.ErpRequest;
import io.twinlog.e2e.stack.Background;
import io.twinlog.e2e.stack.DeadLetters;
import io.twinlog.e2e.stack.E2eStack;
import io.twinlog.e2e.stack.Faults;
import io.twinlog.e2e.stack.PipelineRun;
import io.twinlog.e2e.stack.PipelineTemplate;
import io.twinlog.e2e.stack.PodProcess;
import io.twinlog.e2e.stack.SourceReports;
import io.twinlog.e2e.webhook.WebhookRun;
import io.twinlog.e2e.workload.ExistingRows;
import io.twinlog.e2e.workload.TruthChange;
import io.twinlog.operator.api.v1alpha1.Condition;
import io.twinlog.operator.api.v1alpha1.ReseedMode;
import io.twinlog.operator.desired.ResourceNames;
import io.twinlog.operator.source.FindingReason;
import io.twinlog.operator.status.Reasons;
import io.twinlog.testkit.ConnectRest;
import io.twinlog.testkit.ConnectRest.ConnectorOffset;
import io.twinlog.testkit.MariaDbServer;
import io.twinlog.testkit.PostgresServer;
import io.twinlog.testkit.TcpProxy;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The promise on real parts: each scenario applies a fresh pipeline (own namespace, database and
 * topics) to one shared stack, runs a workload on the primary, injects its fault, and checks that
 * the ERP's record equals the primary's truth. Each prints the figures the issue asks for. The
 * failover scenario runs last: it kills the shared stack's primary.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineE2E {

  private static final Duration READY = Duration.ofSeconds(120);
  private static final Duration DELIVERY = Duration.ofSeconds(120);

  /** The ERP outage: the issue asks for 30 s; 10 s keeps the suite inside CI's budget. */
  private static final Duration ERP_OUTAGE = Duration.ofSeconds(10);

  /** How long the ERP goes silent in {@link #erpHangsThenHeals}: several request timeouts. */
  private static final Duration ERP_HANG = Duration.ofSeconds(15);

  /** The sink's request timeout in that scenario (default 30 s, longer than the hang). */
  private static final String ERP_REQUEST_TIMEOUT = "3s";

  /**
   * A dedup pod replaced on an empty disk: passed locally (17.6 s), failed once in CI, where the
   * sink's read_committed consumer never caught up after the replacement (suspected: a transaction
   * of the dead producer left open on an output partition, e2e/README.md).
   */
  static final String REPLACED_POD = "replaced-pod";

  /**
   * Replicas added to and removed from a running pipeline (issue 14 item 3): out of the default run
   * (CI's run is near its time), run with {@code -Dtwinlog.e2e.excludedGroups=replaced-pod}
   * (e2e/README.md).
   */
  static final String REPLICA_MOVES = "replica-moves";

  /** How long replica A's replication stays stopped while B is re-seeded ahead (issue 10). */
  private static final Duration LAG = Duration.ofSeconds(30);

  /**
   * Filler rows per half of the large transaction: issue 10 says 50,000; 20,000 keeps the scenario
   * well inside its time on 2 cores and still gives Debezium seconds inside the transaction.
   */
  private static final int FILLER = Integer.getInteger("twinlog.e2e.filler", 20_000);

  /**
   * Existing rows of the consistent-start scenario: issue 14 says 100,000; 30,000 keeps the
   * scenario well inside its time on 2 cores (the leader snapshots them in seconds).
   */
  private static final int EXISTING_ROWS = Integer.getInteger("twinlog.e2e.existingRows", 30_000);

  /** The dedup dead-letter error class of a change that arrived after a later one of its row. */
  private static final String KEY_ORDER_CONFLICT = "KeyOrderConflict";

  /** The reasons a killed or cut-off replica's source may show while Connect still says RUNNING. */
  // Whichever sees it first, and the most specific wins: missing heartbeats, the task, or the
  // source check, which cannot connect to a killed server (a CI run saw SourceUnreachable win)
  // and times out on a hung network (a CI run saw SourceTimeout replace SourceSilent before the
  // 250 ms poll read it; the check runs every 30 s, so it wins about one run in seven).
  private static final Set<String> SHOWN_DOWN =
      Set.of(
          Reasons.SOURCE_SILENT,
          Reasons.STALLED,
          Reasons.CONNECTOR_FAILED,
          FindingReason.UNREACHABLE.conditionReason(),
          FindingReason.TIMEOUT.conditionReason());

  private static E2eStack stack;

  @BeforeAll
  static void startStack() {
    stack = E2eStack.start();
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  private static void print(ScenarioReport report) {
    System.out.println("E2E " + report.summary());
    report.problems().forEach(p -> System.out.println("E2E   problem: " + p));
  }

  @Test
  @Order(1)
  void steadyState() throws Exception {
    steadyState(
        () -> PipelineRun.apply(stack, "e2e-steady", "steady", 5401, 1), "steady-state", true);
  }

  /**
   * PostgreSQL: the same steady load, read from two standbys. No cold-start figure: a standby's
   * connector creates its slot only when the primary next logs its running transactions, and a row
   * committed before that reaches that source as a snapshot row (see SourceCluster).
   */
  @Test
  @Order(1)
  void postgresSteadyState() throws Exception {
    steadyState(
        () -> PipelineRun.applyPostgres(stack, "e2e-pg-steady", "pgsteady", 1),
        "postgres-steady-state",
        false);
  }

  private void steadyState(Pipeline pipeline, String scenario, boolean coldStart) throws Exception {
    stack.erp().clear();
    try (PipelineRun run = pipeline.apply()) {
      run.awaitReady(READY);
      if (coldStart) {
        // Cold start, measured apart from the steady state: what a user sees right after
        // kubectl wait --for=condition=Ready, one change committed, until the ERP has it.
        long before = stack.erp().acceptedCount();
        Instant committed = Instant.now();
        run.workload().marker("first after Ready");
        Awaitility.await("the first change after Ready=True at the ERP")
            .atMost(DELIVERY)
            .pollInterval(Duration.ofMillis(10))
            .until(() -> stack.erp().acceptedCount() > before);
        System.out.printf(
            "E2E cold start: the first change committed after Ready=True reached the ERP in %d ms%n",
            Duration.between(committed, Instant.now()).toMillis());
      }
      run.awaitStreaming(READY);
      // Warm-up, reported apart: the first seconds after a start run on cold JVMs (a new dedup
      // pod, the new sink task) and wait for their first commits; 300 transactions of it made the
      // whole figure read 0.8-1.1 s p50 in CI while later scenarios read ~0.1 s.
      Instant warmUp = Instant.now();
      run.workload().run(300, 100);
      run.awaitQuiescent(DELIVERY);
      ScenarioReport first = run.check(scenario + "-warm-up", null, 0);
      Instant steady = Instant.now();
      run.workload().run(300, 100);
      run.awaitQuiescent(DELIVERY);
      ScenarioReport report = run.check(scenario, null, 0, steady);
      System.out.printf(
          "E2E   %s: warm-up (the first 300 transactions, from %s) p50 %s ms p99 %s ms; steady"
              + " state after it below%n",
          scenario,
          warmUp,
          first.latencyP50() == null ? "-" : first.latencyP50().toMillis(),
          first.latencyP99() == null ? "-" : first.latencyP99().toMillis());
      print(report);
      assertThat(report.problems()).isEmpty();
      assertThat(run.status().getSourcesReady()).isEqualTo("2/2");
      run.delete(READY);
    }
  }

  /**
   * Issue 14's consistent start on real replicas: a table with existing rows, updated all through
   * the start, and the workload's own changes. Only the leader snapshots; the other source starts
   * from the leader's streaming position once its replica has it. At the ERP: exactly one snapshot
   * record per existing row, first of its row; every later change of a row newer than the one
   * before it; the last equal to the primary's row; no change acknowledged twice. Runs after the
   * steady-state scenarios, so that its 33,000 records are not in their figures.
   */
  @Test
  @Order(6)
  void consistentStartWithExistingRowsAndLiveWrites() throws Exception {
    stack.erp().clear();
    String database = "cstart";
    String table = database + "." + ExistingRows.TABLE;
    ExistingRows existing = new ExistingRows(stack.mariadb().primary(), database, EXISTING_ROWS);
    Instant applied;
    try (PipelineRun run =
        PipelineRun.apply(
            stack,
            "e2e-consistent-start",
            database,
            5481,
            1,
            p -> {
              existing.create();
              stack.mariadb().awaitReplicasCaughtUp(Duration.ofSeconds(60));
              p.getSpec().getSource().getInclude().getTables().add(table);
            })) {
      applied = Instant.now();
      existing.startUpdating();
      run.awaitReady(READY.multipliedBy(2));
      Instant ready = Instant.now();
      long updatesDuringTheStart = existing.updates();
      List<String> phases =
          run.status().getSources().stream().map(s -> s.getName() + "=" + s.getPhase()).toList();
      // The workload's own changes after the start: each reaches the ERP as committed (its rows
      // changed before the snapshot would reach it as snapshot records instead).
      run.workload().run(300, 60);
      existing.stopUpdating();
      run.awaitQuiescent(DELIVERY);
      ScenarioReport report = run.check("consistent-start", null, 0);
      print(report);
      ExistingRows.Result rows = existing.check(stack.erp().requests(), table);
      System.out.printf(
          "E2E   consistent-start: %d existing rows, %d updates during the start (%d in all);"
              + " both sources streaming %d ms after the apply (%s); %s%n",
          EXISTING_ROWS,
          updatesDuringTheStart,
          existing.updates(),
          Duration.between(applied, ready).toMillis(),
          phases,
          rows.summary());
      rows.problems().stream().limit(10).forEach(p -> System.out.println("E2E   problem: " + p));
      System.out.println("E2E   events: " + run.events());
      assertThat(report.problems()).isEmpty();
      assertThat(rows.problems()).isEmpty();
      assertThat(rows.snapshotRecords()).isEqualTo(EXISTING_ROWS);
      assertThat(phases).allMatch(p -> p.endsWith("=Streaming"));
      run.delete(READY);
    } finally {
      existing.stopUpdating();
    }
  }

  @Test
  @Order(2)
  void replicaKilledMidWorkloadAndBroughtBack() throws Exception {
    stack.erp().clear();
    try (PipelineRun run = PipelineRun.apply(stack, "e2e-replica-kill", "rkill", 5411, 1)) {
      MariaDbServer replicaA = stack.mariadb().replica(0);
      survivesAKill(run, 0, "replica-kill", replicaA::kill, replicaA::start);
    }
  }

  /**
   * {@link #survivesAReplicaOutage} with a server SIGKILLed and started again; a failed wait must
   * not leave the shared stack's server dead.
   */
  private static void survivesAKill(
      PipelineRun run, int replica, String scenario, Runnable kill, Runnable start)
      throws Exception {
    AtomicReference<Boolean> down = new AtomicReference<>(false);
    try {
      survivesAReplicaOutage(
          run,
          replica,
          scenario,
          () -> {
            kill.run();
            down.set(true);
          },
          () -> {
            start.run();
            down.set(false);
          });
    } finally {
      if (down.get()) {
        start.run();
      }
    }
  }

  /**
   * The network to one replica hangs instead of refusing (a partition, a connection dropped behind
   * a load balancer): no reset reaches either side, so Connect keeps the task RUNNING and only the
   * missing heartbeats show the source down, while the other delivers; healed, it catches up.
   */
  @Test
  @Order(2)
  void replicaNetworkHangsThenHeals() throws Exception {
    stack.erp().clear();
    MariaDbServer replicaB = stack.mariadb().replica(1);
    try (TcpProxy proxy = TcpProxy.start("127.0.0.1", replicaB.port());
        PipelineRun run =
            PipelineRun.apply(
                stack,
                "e2e-net-hang",
                "nhang",
                5415,
                1,
                p -> p.getSpec().getSource().getReplicas().get(1).setPort(proxy.port()))) {
      try {
        survivesAReplicaOutage(run, 1, "network-hang", proxy::hang, proxy::heal);
      } finally {
        proxy.heal();
      }
    }
  }

  /**
   * PostgreSQL: the same pipeline read from two streaming standbys, each through its own logical
   * slot; one standby is killed under load (SIGKILL of its postmaster) and started again, and the
   * ERP still gets every change once, in key order, with identities from the WAL position.
   */
  @Test
  @Order(2)
  void postgresStandbyKilledMidWorkloadAndBroughtBack() throws Exception {
    stack.erp().clear();
    try (PipelineRun run = PipelineRun.applyPostgres(stack, "e2e-pg-standby-kill", "pgkill", 1)) {
      PostgresServer standbyB = stack.postgres().standby(1);
      survivesAKill(run, 1, "postgres-standby-kill", standbyB::kill, standbyB::start);
      // Deleted (by the scenario's body): the finalizer dropped each replica's slot, which would
      // otherwise keep WAL on that standby until its disk fills.
      for (int i = 0; i < 2; i++) {
        String slot = ResourceNames.replicationSlot(run.applied(), PipelineTemplate.replicaName(i));
        assertThat(
                stack
                    .postgres()
                    .standby(i)
                    .query(
                        "SELECT slot_name FROM pg_replication_slots WHERE slot_name = '"
                            + slot
                            + "'"))
            .as("slot %s on standby %d after the pipeline was deleted", slot, i)
            .isEmpty();
      }
    }
  }

  /**
   * PostgreSQL: standby B's connection hangs (a partition) while its own slot falls more than
   * {@code max_slot_wal_keep_size} behind, so PostgreSQL invalidates the slot. Healed, its
   * connector cannot resume: the operator says so (WalRetentionOk=False and SourcesHealthy=False,
   * both SlotLost), does not restart it in a loop, and standby A alone delivers every change once.
   */
  @Test
  @Order(2)
  void postgresSlotLostIsShownAndNotRestartedWhileTheOtherStandbyDelivers() throws Exception {
    stack.erp().clear();
    PostgresServer primary = stack.postgres().primary();
    PostgresServer standbyB = stack.postgres().standby(1);
    try (TcpProxy proxy = TcpProxy.start("127.0.0.1", standbyB.port());
        PipelineRun run =
            PipelineRun.applyPostgres(
                stack,
                "e2e-pg-slot-lost",
                "pglost",
                1,
                p -> p.getSpec().getSource().getReplicas().get(1).setPort(proxy.port()))) {
      String slot = ResourceNames.replicationSlot(run.applied(), PipelineTemplate.replicaName(1));
      try {
        run.awaitReady(READY);
        run.awaitStreaming(READY);
        standbyB.setting("max_slot_wal_keep_size", "1MB");
        standbyB.reload();
        proxy.hang();
        Background load = Background.run(run.workload(), 1200, 80);
        Instant hung = Instant.now();
        // WAL segments past the slot, then a restartpoint on the standby: the standby removes
        // the WAL the slot still needs and invalidates it (terminating its hung WAL sender).
        Awaitility.await("slot " + slot + " lost on standby B")
            .atMost(DELIVERY)
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> {
                  primary.execute("SELECT pg_switch_wal()", "CHECKPOINT");
                  stack.postgres().awaitStandbyCaughtUp(standbyB, Duration.ofSeconds(30));
                  standbyB.execute("CHECKPOINT");
                  return "lost"
                      .equals(
                          standbyB.queryString(
                              "SELECT wal_status FROM pg_replication_slots WHERE slot_name = '"
                                  + slot
                                  + "'"));
                });
        Duration toLost = Duration.between(hung, Instant.now());
        proxy.heal();
        Instant healed = Instant.now();
        Awaitility.await("SlotLost in SourcesHealthy and WalRetentionOk")
            .atMost(DELIVERY)
            .pollInterval(Duration.ofMillis(250))
            .until(
                () ->
                    run.condition("SourcesHealthy")
                            .filter(c -> "SlotLost".equals(c.getReason()))
                            .isPresent()
                        && run.condition("WalRetentionOk")
                            .filter(c -> "False".equals(c.getStatus()))
                            .filter(c -> "SlotLost".equals(c.getReason()))
                            .isPresent());
        Duration shown = Duration.between(healed, Instant.now());
        int restarts = restartsOf(run, 1);
        load.join(120);
        run.awaitQuiescent(DELIVERY, 0);
        assertThat(restartsOf(run, 1))
            .as("a lost slot is not restarted in a loop (initialBackoff 2s)")
            .isEqualTo(restarts);
        assertThat(run.status().getSourcesReady()).isEqualTo("1/2");
        ScenarioReport report = run.check("postgres-slot-lost", null, 0);
        print(report);
        System.out.println(
            "E2E   postgres-slot-lost: slot lost "
                + toLost.toMillis()
                + " ms after the hang; healed -> SlotLost shown "
                + shown.toMillis()
                + " ms; restarts of its connector "
                + restarts
                + " (unchanged)");
        assertThat(report.problems()).isEmpty();
        run.delete(READY);
      } finally {
        proxy.heal();
        standbyB.setting("max_slot_wal_keep_size", null);
        standbyB.reload();
      }
    }
  }

  /**
   * PostgreSQL: a standby removed from a running pipeline under load. Its connector goes, and the
   * operator drops its slot on that standby (read from the connector before it is deleted, kept in
   * status.pendingSlotDrops until gone) while the other standby delivers every change once.
   */
  @Test
  @Order(2)
  void postgresStandbyRemovedFromARunningPipelineLeavesNoSlot() throws Exception {
    stack.erp().clear();
    PostgresServer standbyB = stack.postgres().standby(1);
    try (PipelineRun run = PipelineRun.applyPostgres(stack, "e2e-pg-remove", "pgremove", 1)) {
      run.awaitReady(READY);
      run.awaitStreaming(READY);
      String slot = ResourceNames.replicationSlot(run.applied(), PipelineTemplate.replicaName(1));
      String query = "SELECT slot_name FROM pg_replication_slots WHERE slot_name = '" + slot + "'";
      assertThat(standbyB.query(query)).as("replica-b's slot while it is read").hasSize(1);
      Background load = Background.run(run.workload(), 1600, 80);
      Awaitility.await().atMost(DELIVERY).until(() -> run.workload().truth().size() > 150);
      Instant removed = Instant.now();
      editPipeline(run, p -> p.getSpec().getSource().getReplicas().remove(1));
      Awaitility.await("replica-b's slot dropped on standby B, SOURCES 1/1")
          .atMost(DELIVERY)
          .pollInterval(Duration.ofMillis(250))
          .until(
              () ->
                  standbyB.query(query).isEmpty()
                      && "1/1".equals(run.status().getSourcesReady())
                      && run.status().getPendingSlotDrops() == null);
      Duration dropped = Duration.between(removed, Instant.now());
      load.join(120);
      run.awaitQuiescent(DELIVERY, 0);
      ScenarioReport report = run.check("postgres-standby-removed", null, 0);
      print(report);
      System.out.println(
          "E2E   postgres-standby-removed: slot dropped and SOURCES 1/1 "
              + dropped.toMillis()
              + " ms after the spec edit");
      assertThat(report.problems()).isEmpty();
      run.delete(READY);
    }
  }

  private static int restartsOf(PipelineRun run, int replica) {
    var sources = run.status().getSources();
    return sources == null
            || sources.size() <= replica
            || sources.get(replica).getRestarts() == null
        ? 0
        : sources.get(replica).getRestarts();
  }

  /**
   * A replica's outage under load: {@code fault} once 150 changes are in, shown down (SOURCES 1/2,
   * SourcesHealthy=False naming it) while the other source delivers, {@code repair}, shown up
   * again, its connector streaming again, and then every change at the ERP once, in key order.
   */
  private static void survivesAReplicaOutage(
      PipelineRun run, int replica, String scenario, Runnable fault, Runnable repair)
      throws Exception {
    run.awaitReady(READY);
    run.awaitStreaming(READY);
    Background load = Background.run(run.workload(), 2400, 80);
    Awaitility.await().atMost(DELIVERY).until(() -> run.workload().truth().size() > 150);
    fault.run();
    Instant failed = Instant.now();
    String name = PipelineTemplate.replicaName(replica);
    // Connect still reports the task RUNNING; the missing heartbeats make the source unhealthy
    // (SourceSilent after 3 heartbeat intervals, Stalled after stallAfter), not counted in SOURCES.
    Set<String> seen = new java.util.LinkedHashSet<>();
    try {
      Awaitility.await(name + " shown down: SOURCES 1/2, SourcesHealthy=False")
          .atMost(DELIVERY)
          .pollInterval(Duration.ofMillis(250))
          .until(
              () -> {
                String sourcesReady = run.status().getSourcesReady();
                Optional<Condition> healthy = run.condition("SourcesHealthy");
                seen.add(sourcesReady + " " + healthy.map(Condition::getReason).orElse("-"));
                return "1/2".equals(sourcesReady)
                    && healthy
                        .filter(c -> "False".equals(c.getStatus()))
                        .filter(c -> SHOWN_DOWN.contains(c.getReason()))
                        .filter(c -> c.getMessage().contains(name))
                        .isPresent();
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          e.getMessage() + "; SOURCES and SourcesHealthy reasons seen, in order: " + seen, e);
    }
    Duration shownDown = Duration.between(failed, Instant.now());
    String downReason = run.condition("SourcesHealthy").orElseThrow().getReason();
    repair.run();
    Instant back = Instant.now();
    Awaitility.await(name + " healthy again: SOURCES 2/2")
        .atMost(DELIVERY)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> "2/2".equals(run.status().getSourcesReady()));
    Duration shownUp = Duration.between(back, Instant.now());
    System.out.println(
        "E2E   "
            + scenario
            + ": fault -> SOURCES 1/2 ("
            + downReason
            + ") "
            + shownDown.toMillis()
            + "ms, repaired -> SOURCES 2/2 "
            + shownUp.toMillis()
            + "ms (heartbeat interval 5s)");
    load.join(120);
    // The replica's connector reconnects by itself (keep-alive); measure when it streams again.
    run.awaitSourceStreams(replica, DELIVERY);
    Duration reconnect = Duration.between(back, Instant.now());
    run.awaitQuiescent(DELIVERY);
    ScenarioReport report = run.check(scenario, reconnect, 0);
    print(report);
    assertThat(report.problems()).isEmpty();
    run.delete(READY);
  }

  @Test
  @Order(3)
  void failedTaskIsRestartedByTheOperator() throws Exception {
    stack.erp().clear();
    try (PipelineRun run = PipelineRun.apply(stack, "e2e-task-fail", "tfail", 5421, 1)) {
      run.awaitReady(READY);
      run.awaitStreaming(READY);
      MariaDbServer replicaB = stack.mariadb().replica(1);
      String connector = run.sourceConnector(1);
      ConnectRest connect = stack.connect().rest();
      Background load = Background.run(run.workload(), 300, 60);
      // A task restarted while its database is down fails at start; Connect never retries it.
      Instant failed = Faults.failSourceTask(stack, run, 1, DELIVERY);
      Instant restarted = Faults.awaitRestart(stack, connector, failed, DELIVERY);
      replicaB.start();
      load.join(120);
      Awaitility.await("task RUNNING again")
          .atMost(DELIVERY)
          .ignoreExceptions()
          .until(() -> connect.status(connector).isRunning());
      run.awaitReady(READY);
      run.awaitSourceStreams(1, DELIVERY);
      run.awaitQuiescent(DELIVERY);
      ScenarioReport report =
          run.check("task-fail-restart", Duration.between(failed, restarted), 0);
      System.out.println(
          "E2E   task FAILED -> restart requested "
              + Duration.between(failed, restarted).toMillis()
              + "ms (Strimzi stand-in full reconciliation every "
              + stack.strimzi().fullReconciliationInterval().toSeconds()
              + "s)");
      print(report);
      assertThat(run.status().getRestarts()).isPositive();
      assertThat(report.problems()).isEmpty();
      run.delete(READY);
    }
  }

  @Test
  @Order(4)
  void dedupRuntimeKilledMidStream() throws Exception {
    dedupPodLostMidStream(
        () -> PipelineRun.apply(stack, "e2e-dedup-kill", "dkill", 5431, 1),
        "dedup-kill",
        (run, pod) -> pod.kill());
  }

  /**
   * PostgreSQL: the only dedup pod SIGKILLed under load; its successor goes on exactly once. (There
   * is no PostgreSQL twin of {@link #failedTaskIsRestartedByTheOperator}: Debezium's PostgreSQL
   * connector retries a lost database without limit inside a RUNNING task, so a downed standby
   * never fails its task; {@link #postgresStandbyKilledMidWorkloadAndBroughtBack} shows how the
   * operator sees it instead.)
   */
  @Test
  @Order(4)
  void postgresDedupRuntimeKilledMidStream() throws Exception {
    dedupPodLostMidStream(
        () -> PipelineRun.applyPostgres(stack, "e2e-pg-dedup-kill", "pgdkill", 1),
        "postgres-dedup-kill",
        (run, pod) -> pod.kill());
  }

  /** A pipeline to run a scenario on, made when the scenario starts. */
  @FunctionalInterface
  private interface Pipeline {
    PipelineRun apply() throws Exception;
  }

  /**
   * Loses the only dedup pod under load in the way {@code fault} does, waits for a pod of another
   * process to be ready, and checks that every change reached the ERP once.
   */
  private void dedupPodLostMidStream(
      Pipeline pipeline,
      String scenario,
      java.util.function.BiConsumer<PipelineRun, PodProcess> fault)
      throws Exception {
    stack.erp().clear();
    try (PipelineRun run = pipeline.apply()) {
      run.awaitReady(READY);
      run.awaitStreaming(READY);
      Background load = Background.run(run.workload(), 400, 80);
      Awaitility.await().atMost(DELIVERY).until(() -> stack.erp().acceptedCount() > 150);
      PodProcess pod = stack.pods().pods(run.namespace(), run.dedupDeployment()).get(0);
      Instant lost = Instant.now();
      fault.accept(run, pod);
      Awaitility.await("a dedup pod ready again")
          .atMost(READY)
          .pollInterval(Duration.ofMillis(100))
          .until(
              () ->
                  stack.pods().pods(run.namespace(), run.dedupDeployment()).stream()
                      .anyMatch(p -> p.pid() != pod.pid() && p.ready()));
      Duration back = Duration.between(lost, Instant.now());
      load.join(120);
      run.awaitQuiescent(DELIVERY);
      ScenarioReport report = run.check(scenario, back, 0);
      print(report);
      assertThat(report.problems()).isEmpty();
      run.delete(READY);
    }
  }

  /**
   * The dedup pod deleted (a lost node, a forced delete): its replacement has a new name (a new
   * static member) and an empty disk (a new process id, so new transactional ids): it restores the
   * state from the changelogs, waits for the dead member's session to expire, and the dead
   * producer's open transaction keeps read_committed readers waiting until it times out.
   */
  @Test
  @Order(4)
  @Tag(REPLACED_POD)
  void dedupPodReplacedOnAnEmptyDisk() throws Exception {
    dedupPodLostMidStream(
        () -> PipelineRun.apply(stack, "e2e-dedup-replace", "drepl", 5436, 1),
        "dedup-replaced",
        (run, pod) -> stack.pods().deletePod(run.namespace(), run.dedupDeployment(), 0));
  }

  @Test
  @Order(5)
  void erpUnavailableThenThrottledThenRecovers() throws Exception {
    stack.erp().clear();
    try (PipelineRun run = PipelineRun.apply(stack, "e2e-erp-down", "erpdown", 5441, 1)) {
      run.awaitReady(READY);
      run.awaitStreaming(READY);
      run.awaitQuiescent(DELIVERY);
      // 10 s of 503 (the issue says 30 s; 10 s keeps the suite in CI's budget and still spans
      // several retries of the sink's 1 s, 2 s, 4 s ... backoff), then 20 answers of 429 with
      // Retry-After: 2, then healthy.
      stack.erp().unavailableFor(ERP_OUTAGE);
      stack.erp().throttle(20, Duration.ofSeconds(2));
      Instant outage = Instant.now();
      run.workload().run(300, 100);
      run.awaitQuiescent(DELIVERY);
      ScenarioReport report = run.check("erp-503-429", null, 0);
      print(report);
      assertThat(stack.erp().requests()).extracting(ErpRequest::status).contains(503, 429);
      System.out.println(
          "E2E   erp outage started "
              + outage
              + ", first 2xx after it "
              + stack.erp().requests().stream()
                  .filter(r -> r.accepted() && r.receivedAt().isAfter(outage))
                  .findFirst()
                  .map(r -> Duration.between(outage, r.receivedAt()).toMillis() + "ms")
                  .orElse("-"));
      assertThat(report.problems()).isEmpty();
      run.delete(READY);
    }
  }

  /**
   * An ERP that accepts connections and then goes silent (a hung load balancer, a half-open
   * connection): the sink's requests time out and are retried with the same idempotency key until
   * the network heals; every change reaches the ERP, in key order, and nothing is dead-lettered. A
   * request the network held is delivered when it heals, next to its retry: the ERP sees that
   * change's key twice, which is what the idempotency key is for. So the only repeats allowed are
   * of changes whose answer was lost in the hang: a second copy arrives only after the heal.
   */
  @Test
  @Order(5)
  void erpHangsThenHeals() throws Exception {
    stack.erp().clear();
    URI erp = stack.erp().url();
    try (TcpProxy proxy = TcpProxy.start(erp.getHost(), erp.getPort());
        PipelineRun run =
            PipelineRun.apply(
                stack,
                "e2e-erp-hang",
                "erphang",
                5501,
                1,
                p -> {
                  p.getSpec()
                      .getSink()
                      .getErp()
                      .setUrl(
                          URI.create(
                                  erp.getScheme()
                                      + "://127.0.0.1:"
                                      + proxy.port()
                                      + erp.getRawPath())
                              .toString());
                  p.getSpec().getSink().getErp().setTimeout(ERP_REQUEST_TIMEOUT);
                })) {
      run.awaitReady(READY);
      run.awaitStreaming(READY);
      Background load = Background.run(run.workload(), 1500, 100);
      Awaitility.await().atMost(DELIVERY).until(() -> stack.erp().acceptedCount() > 150);
      proxy.hang();
      Instant hung = Instant.now();
      // The hang outlasts several request timeouts; nothing gets through meanwhile (a request
      // the ERP was already reading when it began may still land in its first second).
      Awaitility.await("nothing reaches the ERP while the network hangs")
          .during(ERP_HANG)
          .atMost(ERP_HANG.plusSeconds(5))
          .pollInterval(Duration.ofMillis(250))
          .until(
              () ->
                  stack.erp().lastArrival() == null
                      || stack.erp().lastArrival().isBefore(hung.plusSeconds(1)));
      // Taken before the heal: the proxy's pumps forward what waited the moment they are woken,
      // and the ERP can time a re-sent request before this thread runs again.
      Instant healed = Instant.now();
      proxy.heal();
      load.join(120);
      run.awaitQuiescent(DELIVERY);
      ScenarioReport report = run.check("erp-hang", null, 0);
      print(report);
      Map<String, List<Instant>> arrivals = new LinkedHashMap<>();
      stack.erp().requests().stream()
          .filter(ErpRequest::accepted)
          .forEach(
              r ->
                  arrivals
                      .computeIfAbsent(r.idempotencyKey(), k -> new ArrayList<>())
                      .add(r.receivedAt()));
      Map<String, List<Instant>> repeated = new LinkedHashMap<>();
      arrivals.forEach(
          (key, at) -> {
            if (at.size() > 1) {
              repeated.put(key, at);
            }
          });
      Instant firstAfterHeal =
          stack.erp().requests().stream()
              .filter(r -> r.accepted() && r.receivedAt().isAfter(healed))
              .map(ErpRequest::receivedAt)
              .findFirst()
              .orElse(null);
      System.out.println(
          "E2E   erp-hang: hung "
              + Duration.between(hung, healed).toMillis()
              + " ms (request timeout "
              + ERP_REQUEST_TIMEOUT
              + "), first 2xx "
              + (firstAfterHeal == null
                  ? "-"
                  : Duration.between(healed, firstAfterHeal).toMillis() + " ms")
              + " after the heal; "
              + repeated.size()
              + " changes acknowledged twice (answer lost in the hang, re-sent with the same key)");
      // Everything else must hold exactly: every change once in key order, no dead letter.
      assertThat(report.problems())
          .allMatch(p -> p.contains("idempotency keys were acknowledged more than once"));
      assertThat(report.delivered()).isEqualTo(report.made());
      // A repeat is a retry of a request in flight when the network hung, never a re-send of a
      // change the sink had its answer for: its first copy is no older than one request timeout
      // before the hang, and every later copy came after the heal.
      Duration timeout = Duration.parse("PT" + ERP_REQUEST_TIMEOUT.toUpperCase());
      repeated.forEach(
          (key, at) -> {
            assertThat(at.getFirst()).as(key).isAfter(hung.minus(timeout).minusSeconds(1));
            assertThat(at.subList(1, at.size())).as(key).allMatch(t -> !t.isBefore(healed));
          });
      run.delete(READY);
    }
  }

  @Test
  @Order(6)
  void purgedReplicaIsReportedWhileTheOtherKeepsDelivering() throws Exception {
    stack.erp().clear();
    try (PipelineRun run = PipelineRun.apply(stack, "e2e-purge", "purged", 5451, 1)) {
      run.awaitReady(READY);
      run.awaitStreaming(READY);
      purgeReplicaBPastItsConnector(run);
      Instant resumed = Instant.now();
      run.workload().run(200, 100);
      Awaitility.await("a condition names the purged source")
          .atMost(READY)
          .pollInterval(Duration.ofMillis(250))
          .until(
              () ->
                  run.status().getConditions() != null
                      && run.status().getConditions().stream()
                          .anyMatch(
                              c ->
                                  "False".equals(c.getStatus())
                                      && c.getMessage() != null
                                      && c.getMessage().contains(PipelineTemplate.replicaName(1))));
      Duration reported = Duration.between(resumed, Instant.now());
      run.awaitQuiescent(DELIVERY, 0);
      ScenarioReport report = run.check("binlog-purged", reported, 0);
      print(report);
      run.status()
          .getConditions()
          .forEach(
              c ->
                  System.out.println(
                      "E2E   condition "
                          + c.getType()
                          + "="
                          + c.getStatus()
                          + " "
                          + c.getReason()
                          + ": "
                          + c.getMessage()));
      assertThat(report.problems()).isEmpty();
      run.delete(READY);
    }
  }

  /**
   * Issue 14's automatic re-seed: replica B's binlog is purged past its connector's position; with
   * {@code source.reseed: automatic} the operator stops B's connector, sets it to replica A's
   * streaming position once B's binlog has it, starts it with a schema-only recovery and puts it
   * back. Goal: healthy again within 2 minutes of the purge being shown, 0 lost, 0 duplicated.
   */
  @Test
  @Order(6)
  void purgedReplicaIsReseededAutomatically() throws Exception {
    stack.erp().clear();
    try (PipelineRun run =
        PipelineRun.apply(
            stack,
            "e2e-reseed-auto",
            "reseedauto",
            5491,
            1,
            p -> p.getSpec().getSource().setReseed(ReseedMode.AUTOMATIC))) {
      run.awaitReady(READY);
      run.awaitStreaming(READY);
      String replica = PipelineTemplate.replicaName(1);
      purgeReplicaBPastItsConnector(run);
      Background load = Background.run(run.workload(), 1500, 20);
      Awaitility.await(replica + " shown purged")
          .atMost(READY)
          .pollInterval(Duration.ofMillis(250))
          .until(() -> Reasons.BINLOG_POSITION_PURGED.equals(sourceReason(run, replica)));
      Instant shown = Instant.now();
      // Healthy again: through its start, its connector running, no reason, 2/2.
      try {
        Awaitility.await(replica + " re-seeded and healthy")
            .atMost(READY.multipliedBy(2))
            .pollInterval(Duration.ofMillis(250))
            .until(
                () ->
                    "Streaming".equals(sourcePhase(run, replica))
                        && sourceReason(run, replica) == null
                        && "2/2".equals(run.status().getSourcesReady()));
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError(e.getMessage() + "\n" + run.events() + "\n" + run.describe(), e);
      }
      Duration healed = Duration.between(shown, Instant.now());
      String reasonAfter = sourceReason(run, replica);
      load.join(180);
      run.awaitQuiescent(DELIVERY, 0);
      ScenarioReport report = run.check("reseed-automatic", null, 0);
      print(report);
      System.out.printf(
          "E2E   reseed-automatic: %s shown BinlogPositionPurged, healthy again %d ms later"
              + " (reason %s; sources %s)%n",
          replica, healed.toMillis(), reasonAfter, run.status().getSourcesReady());
      System.out.println("E2E   events: " + run.events());
      assertThat(report.problems()).isEmpty();
      assertThat(run.events()).anyMatch(e -> e.startsWith(Reasons.SOURCE_RESEEDING + ":"));
      run.delete(READY);
    }
  }

  /**
   * Stops replica B's connector behind the stand-in's back, commits 200 transactions, and purges
   * B's binlog of them once B has applied them; then lets the stand-in resume the connector, whose
   * position is gone.
   */
  private static void purgeReplicaBPastItsConnector(PipelineRun run) throws Exception {
    MariaDbServer replicaB = stack.mariadb().replica(1);
    String connector = run.sourceConnector(1);
    ConnectRest connect = stack.connect().rest();
    stack.strimzi().connectors().hold(connector);
    try {
      connect.stop(connector);
      Awaitility.await()
          .atMost(DELIVERY)
          .ignoreExceptions()
          .until(() -> "STOPPED".equals(connect.status(connector).state()));
      run.workload().run(200, 100);
      stack.mariadb().awaitReplicasCaughtUp(Duration.ofSeconds(30));
      replicaB.purgeBinaryLogs();
    } finally {
      stack.strimzi().connectors().release(connector);
    }
  }

  /** The source's reason: null when healthy, "absent" when the status does not list it. */
  private static String sourceReason(PipelineRun run, String replica) {
    var source = source(run, replica);
    return source.isPresent() ? source.get().getReason() : "absent";
  }

  private static String sourcePhase(PipelineRun run, String replica) {
    return source(run, replica).map(s -> s.getPhase()).orElse(null);
  }

  private static Optional<io.twinlog.operator.api.v1alpha1.SourceStatus> source(
      PipelineRun run, String replica) {
    var sources = run.status().getSources();
    return sources == null
        ? Optional.empty()
        : sources.stream().filter(s -> replica.equals(s.getName())).findFirst();
  }

  /**
   * Issue 14 item 3 on real parts: a pipeline on replica-a and replica-b under load; a third
   * replica is started at run time ({@code MariaDbCluster.addReplica}, caught up from the primary's
   * binlog) and added to the spec as replica-c; once it shows Streaming (SOURCES 3/3), replica-a
   * (the leader) is removed from the spec; once SOURCES 2/2 and its connector is gone, the load
   * finishes. Checked: 0 lost, 0 duplicated, 0 misordered per key; printed: the added source's time
   * to Streaming and its snapshot records (op=r: none if it was seeded), the removal's time to
   * settle, delivered/made.
   */
  @Test
  @Order(8)
  @Tag(REPLICA_MOVES)
  void replicaAddedThenFirstRemovedUnderLoad() throws Exception {
    stack.erp().clear();
    String added = PipelineTemplate.replicaName(2);
    String removed = PipelineTemplate.replicaName(0);
    MariaDbServer replicaC = null;
    try (PipelineRun run = PipelineRun.apply(stack, "e2e-replica-moves", "rmoves", 5511, 1)) {
      run.awaitReady(READY);
      run.awaitStreaming(READY);
      String removedConnector = run.sourceConnector(0);
      // 150 s of load at 40 transactions a second: through the addition and the removal.
      Instant loadStarted = Instant.now();
      Background load = Background.run(run.workload(), 6000, 40);
      Awaitility.await().atMost(DELIVERY).until(() -> run.workload().truth().size() > 150);

      Instant startedC = Instant.now();
      // It replays the primary's whole binlog: in a full run, every earlier scenario's changes.
      replicaC = stack.mariadb().addReplica(Duration.ofSeconds(120));
      Duration replicaCaughtUp = Duration.between(startedC, Instant.now());
      MariaDbServer c = replicaC;
      Instant addedAt = Instant.now();
      editPipeline(
          run,
          p -> {
            io.twinlog.operator.api.v1alpha1.ReplicaSpec spec =
                new io.twinlog.operator.api.v1alpha1.ReplicaSpec();
            spec.setName(added);
            spec.setHost(c.host());
            spec.setPort(c.port());
            spec.setServerId(5513L);
            p.getSpec().getSource().getReplicas().add(spec);
          });
      Set<String> phasesSeen = new java.util.LinkedHashSet<>();
      // The spec edit changes the dedup runtime's sources list, which rolls its pods at once.
      AtomicReference<Instant> dedupReadyForC = new AtomicReference<>();
      try {
        Awaitility.await(added + " Streaming, SOURCES 3/3")
            .atMost(READY.multipliedBy(2))
            .pollInterval(Duration.ofMillis(250))
            .until(
                () -> {
                  if (dedupReadyForC.get() == null
                      && dedupReadyWith(run, l -> l.contains(added + "="))) {
                    dedupReadyForC.set(Instant.now());
                  }
                  String phase = sourcePhase(run, added);
                  phasesSeen.add(
                      phase
                          + "/"
                          + sourceReason(run, added)
                          + " "
                          + run.status().getSourcesReady());
                  return "Streaming".equals(phase) && "3/3".equals(run.status().getSourcesReady());
                });
      } catch (ConditionTimeoutException e) {
        throw new AssertionError(
            e.getMessage()
                + "\nphases seen: "
                + phasesSeen
                + "\nevents: "
                + run.events()
                + "\n"
                + run.describe()
                + run.dedupLogTail(),
            e);
      }
      Duration toStreaming = Duration.between(addedAt, Instant.now());
      boolean loadRunningAtStreaming = !load.finished();
      Duration dedupRolledForC =
          Duration.between(addedAt, awaitDedupSources(run, l -> l.contains(added + "=")));
      if (dedupReadyForC.get() != null) {
        dedupRolledForC = Duration.between(addedAt, dedupReadyForC.get());
      }
      run.awaitSourceStreams(2, DELIVERY);

      Instant removedAt = Instant.now();
      editPipeline(
          run,
          p -> p.getSpec().getSource().getReplicas().removeIf(r -> removed.equals(r.getName())));
      try {
        Awaitility.await(removed + " gone: SOURCES 2/2, its connector deleted")
            .atMost(READY)
            .pollInterval(Duration.ofMillis(250))
            .until(
                () ->
                    "2/2".equals(run.status().getSourcesReady())
                        && source(run, removed).isEmpty()
                        && !stack.connect().rest().list().contains(removedConnector));
      } catch (ConditionTimeoutException e) {
        throw new AssertionError(
            e.getMessage() + "\nevents: " + run.events() + "\n" + run.describe(), e);
      }
      Duration removal = Duration.between(removedAt, Instant.now());
      boolean loadRunningAtRemoval = !load.finished();
      Duration dedupRolledForA =
          Duration.between(removedAt, awaitDedupSources(run, l -> !l.contains(removed + "=")));

      load.join(240);
      Instant loadDone = Instant.now();
      try {
        run.awaitQuiescent(DELIVERY);
      } catch (ConditionTimeoutException e) {
        throw new AssertionError(
            e.getMessage()
                + "\nevents: "
                + run.events()
                + "\n"
                + run.describe()
                + run.dedupLogTail()
                + run.dedupMetrics(),
            e);
      }
      ScenarioReport report = run.check("replica-moves", null, 0);
      print(report);
      long snapshotRecordsOfC =
          snapshotRecords(run, added, "orders") + snapshotRecords(run, added, "order_items");
      System.out.printf(
          "E2E   replica-moves: %s started and caught up in %d ms; Streaming (SOURCES 3/3) %d ms"
              + " after the spec edit (load still running: %s; phases seen %s); its snapshot"
              + " records (op=r) in its topics: %d; %s removed -> SOURCES 2/2 and its connector"
              + " deleted %d ms after the spec edit (load still running: %s); delivered %d of %d"
              + " made, %d duplicates%n",
          added,
          replicaCaughtUp.toMillis(),
          toStreaming.toMillis(),
          loadRunningAtStreaming,
          phasesSeen,
          snapshotRecordsOfC,
          removed,
          removal.toMillis(),
          loadRunningAtRemoval,
          report.delivered(),
          report.made(),
          report.duplicates());
      System.out.printf(
          "E2E   replica-moves: dedup pods rolled and ready %d ms after the addition, %d ms after"
              + " the removal; longest pause between ERP receipts while the load ran: %d ms%n",
          dedupRolledForC.toMillis(),
          dedupRolledForA.toMillis(),
          longestErpPause(loadStarted, loadDone).toMillis());
      System.out.println("E2E   events: " + run.events());
      SourceReports.printAnomalies(run);
      assertThat(report.problems()).isEmpty();
      assertThat(snapshotRecordsOfC).as(added + " took no snapshot").isZero();
      assertThat(phasesSeen).as(added + "'s phases").noneMatch(p -> p.startsWith("Snapshotting"));
      assertThat(run.events())
          .as("Events")
          .anyMatch(e -> e.startsWith(Reasons.SOURCE_SEEDED + ": " + added + " "))
          .anyMatch(e -> e.startsWith(Reasons.SOURCE_ADDED + ": " + added + " joined"))
          .anyMatch(e -> e.startsWith(Reasons.SOURCE_REMOVED + ": " + removed + " left"));
      run.delete(READY);
    } finally {
      if (replicaC != null) {
        // The shared stack's later pipelines read the two replicas they always had.
        stack.mariadb().removeReplica(replicaC);
      }
    }
  }

  /**
   * Waits until the dedup Deployment runs a ready pod whose sources list ({@code TWINLOG_SOURCES})
   * satisfies {@code sources}; returns when.
   */
  private static Instant awaitDedupSources(
      PipelineRun run, java.util.function.Predicate<String> sources) {
    Awaitility.await(run.dedupDeployment() + " ready with its new sources list")
        .atMost(READY)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> dedupReadyWith(run, sources));
    return Instant.now();
  }

  private static boolean dedupReadyWith(
      PipelineRun run, java.util.function.Predicate<String> sources) {
    return stack.pods().pods(run.namespace(), run.dedupDeployment()).stream()
        .anyMatch(
            pod ->
                sources.test(
                        pod.env().getOrDefault(io.twinlog.contracts.DedupRuntimeEnv.SOURCES, ""))
                    && pod.ready());
  }

  /**
   * The longest time between two consecutive acknowledged ERP requests received in [{@code from},
   * {@code to}] (a workload committing about 100 changes a second: a longer pause is a stall).
   */
  private static Duration longestErpPause(Instant from, Instant to) {
    List<Instant> times =
        stack.erp().requests().stream()
            .filter(ErpRequest::accepted)
            .map(ErpRequest::receivedAt)
            .filter(t -> !t.isBefore(from) && !t.isAfter(to))
            .sorted()
            .toList();
    Duration longest = Duration.ZERO;
    for (int i = 1; i < times.size(); i++) {
      Duration gap = Duration.between(times.get(i - 1), times.get(i));
      if (gap.compareTo(longest) > 0) {
        longest = gap;
      }
    }
    return longest;
  }

  /** Edits the pipeline's spec through the API server, as {@code kubectl edit} would. */
  private static void editPipeline(
      PipelineRun run,
      java.util.function.Consumer<io.twinlog.operator.api.v1alpha1.CdcPipeline> e) {
    stack
        .kubernetes()
        .client()
        .resources(io.twinlog.operator.api.v1alpha1.CdcPipeline.class)
        .inNamespace(run.namespace())
        .withName(run.applied().getMetadata().getName())
        .edit(
            p -> {
              e.accept(p);
              return p;
            });
  }

  /** Snapshot records ({@code op=r}) in replica {@code replica}'s topic of {@code table}. */
  private static long snapshotRecords(PipelineRun run, String replica, String table) {
    String topic =
        ResourceNames.sourceTopicPrefix(run.applied(), replica)
            + "."
            + run.workload().database()
            + "."
            + table;
    long end = stack.kafka().endOffset(topic);
    if (end == 0) {
      return 0;
    }
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    return stack.kafka().consume(topic, (int) end, Duration.ofSeconds(20)).stream()
        .filter(
            r -> {
              try {
                return r.value() != null
                    && "r".equals(mapper.readTree(r.value()).path("op").asText());
              } catch (Exception ex) {
                return false;
              }
            })
        .count();
  }

  @Test
  @Order(7)
  void deletingThePipelineRemovesEverythingAndStopsDelivery() throws Exception {
    stack.erp().clear();
    try (PipelineRun run = PipelineRun.apply(stack, "e2e-delete", "del", 5461, 1)) {
      run.awaitReady(READY);
      run.awaitStreaming(READY);
      run.workload().run(100, 100);
      run.awaitQuiescent(DELIVERY);
      ScenarioReport report = run.check("delete", null, 0);
      print(report);
      List<String> connectors =
          List.of(run.sourceConnector(0), run.sourceConnector(1), run.sinkConnector());

      Instant deleted = run.delete(READY);

      KubernetesClient client = stack.kubernetes().client();
      String ns = run.namespace();
      Awaitility.await("owned resources gone, connectors deleted, dedup stopped")
          .atMost(READY)
          .pollInterval(Duration.ofMillis(250))
          .untilAsserted(
              () -> {
                assertThat(client.resources(KafkaConnector.class).inNamespace(ns).list().getItems())
                    .isEmpty();
                assertThat(client.resources(KafkaTopic.class).inNamespace(ns).list().getItems())
                    .isEmpty();
                assertThat(client.apps().deployments().inNamespace(ns).list().getItems()).isEmpty();
                assertThat(client.configMaps().inNamespace(ns).list().getItems()).isEmpty();
                assertThat(client.services().inNamespace(ns).list().getItems()).isEmpty();
                assertThat(
                        client
                            .policy()
                            .v1()
                            .podDisruptionBudget()
                            .inNamespace(ns)
                            .list()
                            .getItems())
                    .isEmpty();
                assertThat(stack.connect().rest().list()).doesNotContainAnyElementsOf(connectors);
                assertThat(stack.pods().pods(ns, run.dedupDeployment())).isEmpty();
              });
      Instant allGone = Instant.now();
      long before = stack.erp().acceptedCount();
      run.workload().run(50, 0);
      // Nothing of this pipeline runs any more (checked above), so nothing can reach the ERP; the
      // record confirms no request came after the connectors were gone.
      assertThat(stack.erp().requests()).noneMatch(r -> r.receivedAt().isAfter(allGone));
      assertThat(stack.erp().acceptedCount()).isEqualTo(before);
      System.out.println(
          "E2E   delete -> all resources gone in "
              + Duration.between(deleted, allGone).toMillis()
              + "ms");
      assertThat(report.problems()).isEmpty();
    }
  }

  @Test
  @Order(8)
  void sourceReseededAheadWhileTheOtherLags() throws Exception {
    stack.erp().clear();
    try (PipelineRun run = PipelineRun.apply(stack, "e2e-reseed-ahead", "reseed", 5471, 1)) {
      run.awaitReady(READY);
      run.awaitStreaming(READY);
      MariaDbServer primary = stack.mariadb().primary();
      MariaDbServer replicaA = stack.mariadb().replica(0);
      MariaDbServer replicaB = stack.mariadb().replica(1);
      String connectorB = run.sourceConnector(1);
      ConnectRest connect = stack.connect().rest();
      Background load = Background.run(run.workload(), 1800, 40);
      Awaitility.await().atMost(DELIVERY).until(() -> run.workload().truth().size() > 100);
      replicaA.stopReplication();
      Instant lagging = Instant.now();
      String lagFrom = replicaA.gtidSlavePos();
      String bStoppedAt;
      String seed;
      // B's connector has read past where A stopped (a marker committed after it came through):
      // the re-seed then steps over changes nobody delivered yet, as in issue 10.
      run.awaitSourceStreams(1, DELIVERY);
      stack.strimzi().connectors().hold(connectorB);
      try {
        connect.stop(connectorB);
        Awaitility.await(connectorB + " STOPPED")
            .atMost(DELIVERY)
            .ignoreExceptions()
            .until(() -> "STOPPED".equals(connect.status(connectorB).state()));
        ConnectorOffset stopped =
            connect.offsets(connectorB).stream()
                .filter(o -> run.sourceTopicPrefix(1).equals(o.partition().get("server")))
                .findFirst()
                .orElseThrow();
        bStoppedAt = String.valueOf(stopped.offset().get("gtids"));
        // The primary moves on while B's connector is stopped: the seed steps over those changes,
        // which only the lagging A will deliver.
        int before = run.workload().truth().size();
        Awaitility.await()
            .atMost(DELIVERY)
            .until(() -> run.workload().truth().size() > before + 200);
        seed = primary.gtidBinlogPos();
        stack.mariadb().awaitReplicaCaughtUp(replicaB, Duration.ofSeconds(30));
        Map<String, Object> offset = new LinkedHashMap<>();
        offset.put("gtids", seed);
        offset.put("file", "");
        offset.put("pos", 0);
        connect.alterOffsets(connectorB, List.of(new ConnectorOffset(stopped.partition(), offset)));
        connect.resume(connectorB);
      } finally {
        stack.strimzi().connectors().release(connectorB);
      }
      Awaitility.await("replica-a lagging for " + LAG)
          .atMost(LAG.plus(DELIVERY))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> Duration.between(lagging, Instant.now()).compareTo(LAG) >= 0);
      String lagTo = primary.gtidBinlogPos();
      replicaA.startReplication();
      Duration lagged = Duration.between(lagging, Instant.now());
      load.join(180);
      run.awaitQuiescent(DELIVERY);
      System.out.println(
          "E2E   reseed-ahead: replica-a stopped at "
              + lagFrom
              + " for "
              + lagged.toSeconds()
              + "s (primary at "
              + lagTo
              + " when it resumed); replica-b's connector stopped at "
              + bStoppedAt
              + ", re-seeded to "
              + seed);

      List<DeadLetters.Letter> letters = run.dedupDeadLetters();
      List<TruthChange> conflicts = new ArrayList<>();
      List<DeadLetters.Letter> otherLetters = new ArrayList<>();
      for (DeadLetters.Letter letter : letters) {
        if (letter.errorClass() != null && letter.errorClass().endsWith(KEY_ORDER_CONFLICT)) {
          conflicts.add(new TruthChange(letter.key(), letter.op(), letter.after(), 0, null));
        } else {
          otherLetters.add(letter);
        }
      }
      ExcusedCheck.Result result =
          ExcusedCheck.check(
              "reseed-ahead",
              run.workload().truth().changes(),
              stack.erp().requests(),
              Set.copyOf(run.workload().qualifiedTables()),
              conflicts,
              List.of());
      print(result.report());
      System.out.println("E2E   reseed-ahead: " + result.counts());
      letters.stream().limit(3).forEach(l -> System.out.println("E2E   dead letter: " + l));
      SourceReports.printAnomalies(run);
      // The status says as much as the topic: the operator reads it too (read_committed).
      Awaitility.await("status.dedup.deadLetters counts the dedup dead letters")
          .atMost(DELIVERY)
          .pollInterval(Duration.ofMillis(250))
          .untilAsserted(
              () ->
                  assertThat(run.status().getDedup().getDeadLetters())
                      .isNotNull()
                      .extracting(d -> d.getCount())
                      .isEqualTo((long) letters.size()));
      Condition sources =
          SourceReports.awaitSourceAnomaly(
              run,
              PipelineTemplate.replicaName(1),
              Set.of(
                  DedupAnomalyRecord.KIND_SOURCE_SKIPPED,
                  DedupAnomalyRecord.KIND_KEY_ORDER_CONFLICT));
      System.out.println(
          "E2E   SourcesHealthy " + sources.getReason() + ": " + sources.getMessage());
      assertThat(otherLetters).as("dead letters that are no key-order conflict").isEmpty();
      assertThat(result.report().problems()).isEmpty();
      assertThat(result.unusedDeadLetters())
          .as("dead letters no committed change explains")
          .isZero();
      assertThat(run.anomalies())
          .as("a source-skipped or key-order-conflict anomaly for replica-b")
          .anyMatch(
              a ->
                  a.source().equals(PipelineTemplate.replicaName(1))
                      && Set.of(
                              DedupAnomalyRecord.KIND_SOURCE_SKIPPED,
                              DedupAnomalyRecord.KIND_KEY_ORDER_CONFLICT)
                          .contains(a.kind()));
      run.delete(READY);
    }
  }

  @Test
  @Order(9)
  void restartInsideALargeTransactionWhileTheOtherReplicaLags() throws Exception {
    stack.erp().clear();
    // Batches of 500 per ERP request: the transaction's rows reach the ERP in seconds, not minutes.
    try (PipelineRun run =
        PipelineRun.apply(
            stack,
            "e2e-large-tx",
            "largetx",
            5481,
            1,
            p -> p.getSpec().getSink().getErp().getBatch().setMaxRecords(500))) {
      run.awaitReady(READY);
      run.awaitStreaming(READY);
      MariaDbServer replicaB = stack.mariadb().replica(1);
      String connectorA = run.sourceConnector(0);
      ConnectRest connect = stack.connect().rest();
      run.workload().run(20, 0);
      // Replica-a's connector is held for the rest of the scenario and runs with a small producer
      // buffer and Debezium queue: with the defaults (32 MiB, 8,192) its task has read the whole
      // transaction while its topic shows a fraction, and a restart commits the end of it.
      String itemsTopic = run.sourceTopic(0, "order_items");
      String ordersTopic = run.sourceTopic(0, "orders");
      List<Integer> flipped;
      String crash = "none (no mid-transaction offset was committed while A read it)";
      String txGtid;
      stack.strimzi().connectors().hold(connectorA);
      try {
        Map<String, String> small = new LinkedHashMap<>(connect.config(connectorA));
        small.put("producer.override.buffer.memory", "262144");
        small.put("max.queue.size", "1024");
        small.put("max.batch.size", "256");
        connect.putConfig(connectorA, small);
        Awaitility.await(connectorA + " running with the small buffers")
            .atMost(DELIVERY)
            .ignoreExceptions()
            .until(() -> connect.status(connectorA).isRunning());
        run.awaitSourceStreams(0, DELIVERY);
        stack.mariadb().awaitReplicasCaughtUp(Duration.ofSeconds(30));
        replicaB.stopReplication();
        long itemsBefore = stack.kafka().endOffset(itemsTopic);
        long ordersBefore = stack.kafka().endOffset(ordersTopic);
        AtomicReference<ConnectorOffset> midTransaction = new AtomicReference<>();
        // An offset inside the large transaction has the position before it as "gtids" and counts
        // the events already emitted (docs/operations/reseeding.md).
        String beforeTx = stack.mariadb().primary().gtidBinlogPos();
        CompletableFuture<List<Integer>> tx =
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return run.workload().largeTransactionWithRepeats(FILLER);
                  } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                  }
                });
        // Graceful restart inside the second filler, at a quarter of it as A's topic shows it.
        long restartAt = itemsBefore + FILLER + FILLER / 4;
        Awaitility.await("replica-a's connector inside the second filler")
            .atMost(DELIVERY)
            .pollInterval(Duration.ofMillis(20))
            .until(
                () -> {
                  SourceReports.keepMidTransactionOffset(
                      connect, connectorA, beforeTx, midTransaction);
                  return stack.kafka().endOffset(itemsTopic) >= restartAt;
                });
        connect.restartTask(connectorA, 0);
        flipped = tx.get(120, java.util.concurrent.TimeUnit.SECONDS);
        txGtid = stack.mariadb().primary().gtidBinlogPos(); // nothing else writes meanwhile
        // A has the whole transaction when its orders topic holds the holder row and S1, S2, S3.
        Awaitility.await("replica-a's connector past the large transaction")
            .atMost(DELIVERY)
            .pollInterval(Duration.ofMillis(100))
            .ignoreExceptions()
            .until(
                () -> {
                  SourceReports.keepMidTransactionOffset(
                      connect, connectorA, beforeTx, midTransaction);
                  return stack.kafka().endOffset(ordersTopic) >= ordersBefore + 10;
                });
        ConnectorOffset older = midTransaction.get();
        if (older != null) {
          // A crash-like resume: back to an offset A had committed inside the transaction, so it
          // re-sends what came after it.
          connect.stop(connectorA);
          Awaitility.await(connectorA + " STOPPED")
              .atMost(DELIVERY)
              .ignoreExceptions()
              .until(() -> "STOPPED".equals(connect.status(connectorA).state()));
          connect.alterOffsets(connectorA, List.of(older));
          connect.resume(connectorA);
          crash = "to " + older.offset();
        }
        run.workload().run(30, 0);
        replicaB.startReplication();
        run.awaitQuiescent(DELIVERY);
      } finally {
        stack.strimzi().connectors().release(connectorA);
      }
      ScenarioReport report = run.check("large-tx-restart", null, 0);
      print(report);
      System.out.println(
          "E2E   large-tx: 1 transaction of "
              + (1 + 9 + 2 * FILLER)
              + " row changes (flipped orders "
              + flipped
              + "); graceful restart of replica-a's task requested at item "
              + (FILLER + FILLER / 4)
              + " of "
              + 2 * FILLER
              + " as its topic showed it; crash-like resume "
              + crash);
      // S3's first copy from A: numbered on from the transaction's start (2 * FILLER + 8 for the
      // first flipped row) unless A resumed inside the transaction, which numbers from 1 again.
      List<Long> orders =
          SourceReports.totalOrders(stack.kafka(), ordersTopic, txGtid, flipped.get(0));
      System.out.println(
          "E2E   large-tx: replica-a's transaction.total_order of order "
              + flipped.get(0)
              + " in "
              + txGtid
              + ": "
              + orders
              + " (S1, S2, S3, then the crash-like re-send)");
      for (String line : SourceReports.flipEvents(stack.kafka(), ordersTopic, flipped)) {
        System.out.println("E2E   replica-a " + line);
      }
      SourceReports.printAnomalies(run);
      System.out.println(
          "E2E   SourcesHealthy "
              + run.condition("SourcesHealthy")
                  .map(c -> c.getReason() + ": " + c.getMessage())
                  .orElse("-"));
      assertThat(report.problems()).isEmpty();
      assertThat(orders)
          .as("replica-a resumed inside the transaction (S3 renumbered), then re-sent S2 and S3")
          .hasSize(5)
          .element(2)
          .matches(o -> o < 2L * FILLER + 8);
      assertThat(crash)
          .as("a crash-like resume from an offset inside the transaction")
          .startsWith("to ");
      run.delete(READY);
    }
  }

  /**
   * Issue 16's inbound direction, all of it built by the operator: an ErpWebhook is applied, the
   * operator's own Deployments run the receivers and the dedup step (the pod stand-in starts them
   * from their ConfigMaps and the mounted Secret), its KafkaConnector delivers to the system. The
   * ERP posts signed webhooks per invoice in order, sends some again (its retries), one receiver
   * pod is SIGKILLed mid-stream; each event reaches the system once, in order per invoice.
   */
  @Test
  @Order(10)
  void erpWebhooksReachTheSystemOnceThroughTheOperatorsOwnPods() throws Exception {
    stack.erp().clear();
    int invoices = 40;
    int perInvoice = 5;
    try (WebhookRun run = WebhookRun.apply(stack, "e2e-webhook")) {
      Awaitility.await("ErpWebhook Ready=True with every pod ready")
          .atMost(READY)
          .pollInterval(Duration.ofMillis(250))
          .untilAsserted(
              () ->
                  assertThat(run.ready())
                      .isNotNull()
                      .extracting(Condition::getStatus, Condition::getMessage)
                      .containsExactly("True", "2/2 receivers, 2/2 dedup, sink RUNNING"));
      Instant readyAt = Instant.now();
      assertThat(run.readyEndpoints()).hasSize(2);

      URI first = run.readyEndpoints().get(0);
      String forged = WebhookRun.body("evt-forged", "INV-0", 0);
      assertThat(
              run.erp()
                  .post(first, forged, Instant.now().getEpochSecond(), run.erp().signature("x")))
          .as("a bad signature")
          .isEqualTo(401);

      java.util.concurrent.ExecutorService erpThreads =
          java.util.concurrent.Executors.newFixedThreadPool(4);
      java.util.concurrent.atomic.AtomicInteger delivered =
          new java.util.concurrent.atomic.AtomicInteger();
      PodProcess killed = run.receivers().get(0);
      AtomicReference<Instant> killedAt = new AtomicReference<>();
      List<java.util.concurrent.Future<?>> flows = new ArrayList<>();
      for (int i = 0; i < invoices; i++) {
        String invoice = "INV-" + i;
        flows.add(
            erpThreads.submit(
                () -> {
                  for (int seq = 1; seq <= perInvoice; seq++) {
                    String id = invoice + "-evt-" + seq;
                    run.deliver(id, WebhookRun.body(id, invoice, seq), DELIVERY);
                    if (delivered.incrementAndGet() == invoices * perInvoice / 2) {
                      // mid-stream, while the other flows post: the Service still routes to it
                      killed.kill();
                      killedAt.set(Instant.now());
                    }
                    if (seq == 2) {
                      // the ERP did not see the 200 (say) and sends it again, after a later one
                      run.deliver(id, WebhookRun.body(id, invoice, seq), DELIVERY);
                    }
                  }
                  return null;
                }));
      }
      for (var flow : flows) {
        flow.get();
      }
      erpThreads.shutdown();

      assertThat(run.erp().retries())
          .as("calls the Service still sent to the killed pod, sent again")
          .isPositive();
      int events = invoices * perInvoice;
      Awaitility.await("every event at the system")
          .atMost(DELIVERY)
          .pollInterval(Duration.ofMillis(250))
          .until(() -> run.acceptedByEventId().size() >= events);
      Map<String, List<ErpRequest>> byId = run.acceptedByEventId();
      assertThat(byId).hasSize(events).doesNotContainKey("evt-forged");
      assertThat(byId.values())
          .as("each event applied once")
          .allSatisfy(r -> assertThat(r).hasSize(1));
      Map<String, List<Integer>> seqByInvoice = new LinkedHashMap<>();
      for (ErpRequest r : stack.erp().requests()) {
        if (r.accepted()) {
          var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
          seqByInvoice
              .computeIfAbsent(json.at("/invoice/number").asText(), k -> new ArrayList<>())
              .add(json.at("/invoice/seq").asInt());
        }
      }
      assertThat(seqByInvoice).hasSize(invoices);
      assertThat(seqByInvoice.values())
          .as("in order per invoice")
          .allSatisfy(seqs -> assertThat(seqs).containsExactly(1, 2, 3, 4, 5));
      Awaitility.await("the killed receiver restarted, every part ready again")
          .atMost(READY)
          .untilAsserted(
              () ->
                  assertThat(run.ready())
                      .extracting(Condition::getStatus, Condition::getMessage)
                      .containsExactly("True", "2/2 receivers, 2/2 dedup, sink RUNNING"));
      // The operator read the webhook's dead-letter topic on the real broker: none.
      Awaitility.await("the dead letters counted from the topic")
          .atMost(READY)
          .untilAsserted(
              () -> assertThat(run.current().getStatus().getDeadLetters()).isEqualTo(0L));
      List<Duration> latencies = run.ackToSystem();
      System.out.println(
          "E2E webhook: "
              + byId.size()
              + " of "
              + events
              + " events at the system once, in order per invoice; "
              + invoices
              + " ERP re-sends dropped; receiver pod SIGKILLed after "
              + Duration.between(readyAt, killedAt.get()).toMillis()
              + " ms, "
              + run.erp().retries()
              + " ERP retries; Kafka ack -> system p50 "
              + DeliveryCheck.percentile(latencies, 50).toMillis()
              + " ms, p99 "
              + DeliveryCheck.percentile(latencies, 99).toMillis()
              + " ms");
    }
    String ns = "e2e-webhook";
    Awaitility.await("deleted: the webhook's pods stop, its connector is gone")
        .atMost(READY)
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              assertThat(stack.pods().pods(ns, "erp-invoices-webhook")).isEmpty();
              assertThat(stack.pods().pods(ns, "erp-invoices-webhook-dedup")).isEmpty();
              assertThat(stack.connect().rest().list()).doesNotContain("erp-invoices-webhook-sink");
            });
  }

  @Test
  @Order(20) // last: the shared stack's primary is gone afterwards
  void primaryFailoverToALaggingReplica() throws Exception {
    stack.erp().clear();
    try (PipelineRun run = PipelineRun.apply(stack, "e2e-failover", "failover", 5491, 1)) {
      run.awaitReady(READY);
      run.awaitStreaming(READY);
      MariaDbServer oldPrimary = stack.mariadb().primary();
      MariaDbServer replicaA = stack.mariadb().replica(0);
      MariaDbServer replicaB = stack.mariadb().replica(1);
      run.workload().run(100, 50);
      stack.mariadb().awaitReplicasCaughtUp(Duration.ofSeconds(30));
      replicaA.stopReplication();
      String aStoppedAt = replicaA.gtidSlavePos();
      int applied = run.workload().truth().size();
      run.workload().run(150, 50);
      // The old primary's tail reaches the ERP through B before the primary is lost.
      run.awaitQuiescent(DELIVERY, 1);
      String oldPrimaryAt = oldPrimary.gtidBinlogPos();
      oldPrimary.kill();
      MariaDbServer newPrimary = stack.mariadb().promote(0);
      List<TruthChange> tail =
          run.workload()
              .moveTo(
                  newPrimary.jdbcUrl(),
                  MariaDbServer.ADMIN_USER,
                  MariaDbServer.ADMIN_PASSWORD,
                  applied);
      stack.mariadb().repoint(1);
      run.workload().run(150, 50);
      String newPrimaryAt = newPrimary.gtidBinlogPos();
      Awaitility.await("replica-b refuses the new primary (its history diverged)")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> !replicaB.replicationError().isEmpty());
      run.awaitQuiescent(DELIVERY, 0);
      ExcusedCheck.Result result =
          ExcusedCheck.check(
              "failover",
              run.workload().truth().changes(),
              stack.erp().requests(),
              Set.copyOf(run.workload().qualifiedTables()),
              List.of(),
              tail);
      print(result.report());
      System.out.println(
          "E2E   failover: replica-a stopped at "
              + aStoppedAt
              + ", old primary lost at "
              + oldPrimaryAt
              + " (tail of "
              + tail.size()
              + " changes only replica-b had), replica-a promoted, now at "
              + newPrimaryAt
              + "; replica-b re-pointed: "
              + replicaB.replicationError());
      System.out.println("E2E   failover: " + result.counts());
      List<DeadLetters.Letter> letters = run.dedupDeadLetters();
      letters.stream().limit(3).forEach(l -> System.out.println("E2E   dead letter: " + l));
      SourceReports.printAnomalies(run);
      Condition sources =
          SourceReports.awaitSourceAnomaly(
              run,
              PipelineTemplate.replicaName(1),
              Set.of(DedupAnomalyRecord.KIND_SOURCE_DIVERGED));
      System.out.println(
          "E2E   SourcesHealthy " + sources.getReason() + ": " + sources.getMessage());
      assertThat(result.report().problems()).isEmpty();
      assertThat(letters).as("dedup dead letters").isEmpty();
      assertThat(run.anomalies())
          .as("a source-diverged anomaly naming GTIDs")
          .anyMatch(
              a ->
                  a.kind().equals(DedupAnomalyRecord.KIND_SOURCE_DIVERGED) && !a.gtids().isEmpty());
      run.delete(READY);
    }
  }
}
