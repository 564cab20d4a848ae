package io.twinlog.operator.source;

import static io.twinlog.testkit.PostgresCluster.CDC_PASSWORD;
import static io.twinlog.testkit.PostgresCluster.CDC_USER;
import static io.twinlog.testkit.PostgresCluster.DATABASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.TestPipelines;
import io.twinlog.operator.desired.Labels;
import io.twinlog.operator.desired.ResourceNames;
import io.twinlog.operator.desired.SourceConnectors;
import io.twinlog.operator.observe.RealSources;
import io.twinlog.operator.source.PrimaryLocator.Probe;
import io.twinlog.operator.source.WalHeartbeatTarget.Server;
import io.twinlog.testkit.ConnectRest;
import io.twinlog.testkit.EmbeddedConnect;
import io.twinlog.testkit.EmbeddedKafka;
import io.twinlog.testkit.PostgresCluster;
import io.twinlog.testkit.PostgresServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The WAL heartbeat on real servers: where it finds the primary, and what it does for the slots of
 * idle standbys read by real Debezium connectors, rendered as the operator renders them.
 */
class WalHeartbeatIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String NAMESPACE = "shop";
  private static final String SECRET = "cdc-pg";

  /** The database only the second pipeline reads, and for which no heartbeat is written. */
  private static final String SILENT_DATABASE = "shop_silent";

  private static WalHeartbeatTarget target(List<Server> replicas) {
    return new WalHeartbeatTarget(
        "shop/orders",
        replicas,
        CDC_USER,
        CDC_PASSWORD,
        DATABASE,
        ResourceNames.WAL_HEARTBEAT_PREFIX,
        Duration.ofSeconds(2),
        Duration.ofSeconds(5),
        null);
  }

  private static Server replica(String name, PostgresServer server) {
    return Server.replica(name, server.host(), server.port());
  }

  @Test
  void findsThePrimaryInTheSpecOrThroughAStandbyAndAfterAPromotionTheNewOne() throws Exception {
    try (PostgresCluster cluster = PostgresCluster.builder().standbys(2).start()) {
      PostgresServer primary = cluster.primary();
      PostgresServer standbyA = cluster.standby(0);
      primary.executeIn(DATABASE, "CREATE PUBLICATION twinlog FOR ALL TABLES");
      // A slot of the captured database that receives logical messages: what the beat wrote.
      cluster.createLogicalSlot(primary, "witness", "pgoutput");

      try (WalHeartbeat spec =
          new WalHeartbeat(
              target(List.of(replica("standby-a", standbyA), replica("primary", primary))),
              Clock.systemUTC())) {
        WalHeartbeat.Outcome first = spec.beat();
        assertThat(first.written()).as(String.valueOf(first.failure())).isTrue();
        assertThat(first.primary().name()).isEqualTo("primary");
        assertThat(first.probes()).extracting(Probe::inRecovery).containsExactly(true, false);
        WalHeartbeat.Outcome second = spec.beat();
        assertThat(second.probes()).as("the connection to the primary is kept").hasSize(1);
        // Not flushed by the call itself: decodable once the WAL writer flushed it (200 ms).
        await("two messages decoded")
            .atMost(Duration.ofSeconds(5))
            .until(() -> messages(primary) == 2);
      }

      // Only standbys in the spec: the cdc user may not see where they stream from.
      try (WalHeartbeat standbysOnly =
          new WalHeartbeat(target(List.of(replica("standby-a", standbyA))), Clock.systemUTC())) {
        WalHeartbeat.Outcome hidden = standbysOnly.beat();
        System.out.println("only a standby, no pg_read_all_stats: " + hidden.failure());
        assertThat(hidden.written()).isFalse();
        assertThat(hidden.failure().reason()).isEqualTo(FindingReason.WAL_HEARTBEAT_FAILED);
        assertThat(hidden.failure().severity()).isEqualTo(Severity.WARNING);
        assertThat(hidden.failure().message())
            .contains(
                "standby-a (127.0.0.1:"
                    + standbyA.port()
                    + ") is a standby, and user cdc may not see which primary it streams from")
            .contains("GRANT pg_read_all_stats TO cdc");

        primary.execute("GRANT pg_read_all_stats TO " + CDC_USER);
        cluster.awaitStandbysCaughtUp(Duration.ofSeconds(30));
        WalHeartbeat.Outcome found = standbysOnly.beat();
        System.out.println("through the standby: " + found.primary().label());
        assertThat(found.written()).as(String.valueOf(found.failure())).isTrue();
        assertThat(found.primary().name()).isNull();
        assertThat(found.primary().port()).isEqualTo(primary.port());
        assertThat(found.primary().via())
            .isEqualTo("standby-a (127.0.0.1:" + standbyA.port() + ")");
        await("a third message").atMost(Duration.ofSeconds(5)).until(() -> messages(primary) == 3);
      }

      int closed = freePort();
      try (WalHeartbeat gone =
          new WalHeartbeat(
              target(List.of(Server.replica("gone", "127.0.0.1", closed))), Clock.systemUTC())) {
        WalHeartbeat.Outcome refused = gone.beat();
        System.out.println("nothing listening: " + refused.failure().message());
        assertThat(refused.failure().message())
            .startsWith(
                "Twinlog could not write its WAL heartbeat on the primary of database shop:"
                    + " cannot connect to gone (127.0.0.1:"
                    + closed
                    + ")");
      }

      // A failover: the primary dies, standby-a is promoted; the beat finds it by itself.
      try (WalHeartbeat spec =
          new WalHeartbeat(
              target(List.of(replica("primary", primary), replica("standby-a", standbyA))),
              Clock.systemUTC())) {
        assertThat(spec.beat().primary().name()).isEqualTo("primary");
        primary.kill();
        cluster.promote(0);
        WalHeartbeat.Outcome after = spec.beat();
        System.out.println("after the promotion: " + after.probes());
        assertThat(after.written()).as(String.valueOf(after.failure())).isTrue();
        assertThat(after.primary().name()).isEqualTo("standby-a");
        assertThat(after.probes().get(0).failure()).isNotNull();
      }
    }
  }

  /**
   * Side by side on the same standby, through the same WAL: a pipeline on database {@code shop}
   * whose heartbeat runs and one on {@code shop_silent} without, each read by the operator's
   * Debezium connectors, the captured tables idle while another table writes about 50 kB of WAL a
   * second for 60 s. The beating pipeline's slots (on both standbys) advance and keep little WAL;
   * the silent one's does not move and keeps everything written since its last change.
   */
  @Test
  void anIdleStandbysSlotAdvancesWithTheHeartbeatAndKeepsItsWalWithout() throws Exception {
    CompletableFuture<PostgresCluster> starting =
        CompletableFuture.supplyAsync(() -> PostgresCluster.builder().standbys(2).start());
    try (EmbeddedKafka kafka = EmbeddedKafka.start();
        EmbeddedConnect connect = EmbeddedConnect.start(kafka);
        PostgresCluster cluster = starting.join();
        WalHeartbeats heartbeats =
            new WalHeartbeats(WalHeartbeats.DEFAULT_THREADS, Clock.systemUTC())) {
      PostgresServer primary = cluster.primary();
      PostgresServer standbyA = cluster.standby(0);
      PostgresServer standbyB = cluster.standby(1);
      primary.execute("CREATE DATABASE " + SILENT_DATABASE);
      for (String db : List.of(DATABASE, SILENT_DATABASE)) {
        primary.executeIn(
            db,
            "CREATE TABLE orders (id int PRIMARY KEY, note text)",
            "CREATE TABLE unpublished (id serial PRIMARY KEY, payload text)",
            "CREATE PUBLICATION twinlog FOR TABLE orders",
            "GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + CDC_USER);
      }
      cluster.awaitStandbysCaughtUp(Duration.ofSeconds(30));
      connect.putSecret(NAMESPACE, SECRET, "username", CDC_USER);
      connect.putSecret(NAMESPACE, SECRET, "password", CDC_PASSWORD);

      CdcPipeline beating =
          pipeline(
              "beating", DATABASE, kafka, Map.of("standby-a", standbyA, "standby-b", standbyB));
      CdcPipeline silent =
          pipeline("silent", SILENT_DATABASE, kafka, Map.of("standby-a", standbyA));
      ConnectRest rest = connect.rest();
      Map<String, PostgresServer> slots = new LinkedHashMap<>();
      for (CdcPipeline p : List.of(beating, silent)) {
        for (KafkaConnector c : SourceConnectors.of(p)) {
          rest.createConnector(c.getMetadata().getName(), RealSources.connectConfig(c));
          String replica = c.getMetadata().getLabels().get(Labels.REPLICA);
          slots.put(
              ResourceNames.replicationSlot(p, replica),
              replica.equals("standby-a") ? standbyA : standbyB);
        }
      }
      String slotA = ResourceNames.replicationSlot(beating, "standby-a");
      String slotB = ResourceNames.replicationSlot(beating, "standby-b");
      String slotSilent = ResourceNames.replicationSlot(silent, "standby-a");
      slots.forEach((slot, server) -> awaitSlot(cluster, server, slot));
      for (String name : rest.list()) {
        await()
            .atMost(WAIT)
            .ignoreExceptionsInstanceOf(ConnectRest.ConnectRestException.class)
            .until(() -> rest.status(name).isRunning());
      }
      // One change each, delivered and confirmed: from here on the captured tables are idle.
      for (CdcPipeline p : List.of(beating, silent)) {
        String db = p.getSpec().getSource().getInclude().getDatabases().getFirst();
        primary.executeIn(db, "INSERT INTO orders VALUES (1, 'the last change')");
        String change = primary.queryString("SELECT pg_current_wal_lsn()");
        String topic = ResourceNames.sourceTopicPrefix(p, "standby-a") + ".public.orders";
        assertThat(kafka.consume(topic, 1, WAIT)).as(topic).hasSize(1);
        for (KafkaConnector c : SourceConnectors.of(p)) {
          String slot =
              ResourceNames.replicationSlot(p, c.getMetadata().getLabels().get(Labels.REPLICA));
          await(slot + " confirms the last change")
              .atMost(WAIT)
              .until(() -> atOrPast(slots.get(slot), slot, change));
        }
      }
      AtomicInteger rows = new AtomicInteger();
      // WAL from another database, 10 rows of 1 kB every 200 ms, and a sample every 5 s.
      java.util.concurrent.ScheduledExecutorService timer =
          java.util.concurrent.Executors.newScheduledThreadPool(2);
      Runnable noise =
          () -> {
            primary.executeIn(
                "postgres",
                "CREATE TABLE IF NOT EXISTS noise (id serial PRIMARY KEY, payload text)",
                "INSERT INTO noise (payload) SELECT repeat('x', 1000) FROM"
                    + " generate_series(1, 10)");
            rows.addAndGet(10);
          };
      Duration every = Duration.ofMillis(SourceConnectors.heartbeatMillis(beating));
      AtomicInteger changes = new AtomicInteger();
      WalHeartbeatTarget target =
          new WalHeartbeatTarget(
              "shop/beating",
              List.of(replica("standby-a", standbyA), replica("standby-b", standbyB)),
              CDC_USER,
              CDC_PASSWORD,
              DATABASE,
              ResourceNames.WAL_HEARTBEAT_PREFIX,
              null,
              null,
              null);
      // The spec names only standbys: the beat finds the primary through them.
      primary.execute("GRANT pg_read_all_stats TO " + CDC_USER);
      cluster.awaitStandbysCaughtUp(Duration.ofSeconds(30));
      Map<String, Map<String, String>> start = new LinkedHashMap<>();
      slots.forEach((slot, server) -> start.put(slot, slotState(server, slot)));
      String walStart = primary.queryString("SELECT pg_current_wal_lsn()");
      timer.scheduleWithFixedDelay(noise, 0, 200, TimeUnit.MILLISECONDS);
      heartbeats.run("shop/beating", target, every, changes::incrementAndGet);
      List<String> table = java.util.Collections.synchronizedList(new ArrayList<>());
      Runnable sample =
          () -> {
            StringBuilder line = new StringBuilder(String.format("%3d s", 5 * (table.size() + 1)));
            slots.forEach(
                (slot, server) ->
                    line.append(
                        String.format(
                            "  %s retained %,9d bytes",
                            slot.equals(slotSilent)
                                ? "silent  "
                                : slot.equals(slotA) ? "beating-a" : "beating-b",
                            Long.parseLong(slotState(server, slot).get("retained")))));
            table.add(line.toString());
            System.out.println(line);
          };
      try {
        timer.scheduleAtFixedRate(sample, 5, 5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(90)).until(() -> table.size() >= 12);
      } finally {
        timer.shutdownNow();
        timer.awaitTermination(30, TimeUnit.SECONDS);
      }
      String walEnd = primary.queryString("SELECT pg_current_wal_lsn()");
      WalHeartbeats.Status status = heartbeats.status("shop/beating");
      heartbeats.stop("shop/beating");
      cluster.awaitStandbysCaughtUp(Duration.ofSeconds(30));
      Map<String, Map<String, String>> end = new LinkedHashMap<>();
      slots.forEach((slot, server) -> end.put(slot, slotState(server, slot)));
      long written = diff(primary, walEnd, walStart);
      System.out.println(
          "WAL written in 60 s: "
              + written
              + " bytes ("
              + rows.get()
              + " rows of 1 kB in another database); heartbeat every "
              + every.toMillis()
              + " ms: "
              + status.note()
              + " Slots at the start: "
              + start
              + "; at the end: "
              + end);
      table.forEach(System.out::println);

      assertThat(status.last().written()).isTrue();
      assertThat(status.last().primary().port()).isEqualTo(primary.port());
      assertThat(changes.get()).as("onChange: the primary found").isGreaterThanOrEqualTo(1);
      // Without the heartbeat: the slot stays where the last change left it.
      assertThat(end.get(slotSilent).get("confirmed_flush_lsn"))
          .isEqualTo(start.get(slotSilent).get("confirmed_flush_lsn"));
      assertThat(end.get(slotSilent).get("restart_lsn"))
          .isEqualTo(start.get(slotSilent).get("restart_lsn"));
      long silentRetained = Long.parseLong(end.get(slotSilent).get("retained"));
      assertThat(silentRetained).isGreaterThanOrEqualTo(written);
      // With it: both standbys' slots confirmed WAL written during the minute, and keep a fraction.
      for (String slot : List.of(slotA, slotB)) {
        PostgresServer server = slots.get(slot);
        assertThat(diff(server, end.get(slot).get("confirmed_flush_lsn"), walStart))
            .as(slot + " confirmed past the start")
            .isPositive();
        assertThat(
                diff(server, end.get(slot).get("restart_lsn"), start.get(slot).get("restart_lsn")))
            .as(slot + " restart_lsn moved")
            .isPositive();
        assertThat(Long.parseLong(end.get(slot).get("retained")))
            .as(slot + " retained, against the silent slot's " + silentRetained)
            .isLessThan(silentRetained / 2);
      }
      assertThat(rest.list())
          .allSatisfy(name -> assertThat(rest.status(name).isRunning()).isTrue());
      for (String name : rest.list()) {
        rest.delete(name);
      }
    }
  }

  /**
   * Logical messages with the heartbeat's prefix the witness slot on {@code server} would decode.
   */
  private static int messages(PostgresServer server) {
    // pgoutput message 'M': flags, LSN, then the prefix as a C string.
    return Integer.parseInt(
        server.queryStringIn(
            DATABASE,
            "SELECT count(*) FROM pg_logical_slot_peek_binary_changes('witness', NULL, NULL,"
                + " 'proto_version', '1', 'publication_names', 'twinlog', 'messages', 'true')"
                + " WHERE get_byte(data, 0) = ascii('M')"
                + " AND position(convert_to('twinlog', 'UTF8') IN data) > 0"));
  }

  private static CdcPipeline pipeline(
      String name, String database, EmbeddedKafka kafka, Map<String, PostgresServer> replicas) {
    StringBuilder list = new StringBuilder();
    new java.util.TreeMap<>(replicas)
        .forEach(
            (replica, server) ->
                list.append(
                    "      - {name: %s, host: \"%s\", port: %d}\n"
                        .formatted(replica, server.host(), server.port())));
    return TestPipelines.parse(
        """
        apiVersion: cdc.twinlog.io/v1alpha1
        kind: CdcPipeline
        metadata: {name: %s, namespace: %s, generation: 1}
        spec:
          kafka: {cluster: main, connectCluster: cdc-connect, bootstrapServers: "%s"}
          source:
            type: postgresql
            include: {databases: [%s], tables: [public.orders]}
            credentials: {secretName: %s}
            snapshot: {mode: no_data}
            replicas:
        %s  restartPolicy: {stallAfter: 8s}
        """
            .formatted(name, NAMESPACE, kafka.bootstrapServers(), database, SECRET, list));
  }

  /** The config Strimzi would submit for a KafkaConnector. */
  /**
   * A logical slot on a standby waits for a running-xacts record from the primary: ask for them
   * until the connector's slot exists.
   */
  private static void awaitSlot(PostgresCluster cluster, PostgresServer server, String slot) {
    await(slot + " on " + server.name())
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(
            () -> {
              cluster.primary().queryString("SELECT pg_log_standby_snapshot()");
              return slotState(server, slot).get("confirmed_flush_lsn") != null;
            });
  }

  /** The slot's confirmed_flush_lsn, restart_lsn and the WAL it keeps on its standby. */
  private static Map<String, String> slotState(PostgresServer server, String slot) {
    List<Map<String, String>> rows =
        server.query(
            "SELECT confirmed_flush_lsn::text, restart_lsn::text,"
                + " pg_wal_lsn_diff(pg_last_wal_receive_lsn(), restart_lsn)::bigint AS retained"
                + " FROM pg_replication_slots WHERE slot_name = '"
                + slot
                + "'");
    return rows.isEmpty() ? Map.of() : rows.get(0);
  }

  private static boolean atOrPast(PostgresServer server, String slot, String lsn) {
    return "t"
        .equals(
            server.queryString(
                "SELECT confirmed_flush_lsn >= '"
                    + lsn
                    + "'::pg_lsn FROM pg_replication_slots WHERE slot_name = '"
                    + slot
                    + "'"));
  }

  private static long diff(PostgresServer server, String a, String b) {
    return Long.parseLong(
        server.queryString("SELECT pg_wal_lsn_diff('" + a + "', '" + b + "')::bigint"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
