package io.twinlog.operator.source;

import static io.twinlog.testkit.PostgresCluster.CDC_PASSWORD;
import static io.twinlog.testkit.PostgresCluster.CDC_USER;
import static io.twinlog.testkit.PostgresCluster.DATABASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.twinlog.testkit.PostgresCluster;
import io.twinlog.testkit.PostgresServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL checks against real servers: a primary and two standbys, the second set up without
 * hot_standby_feedback and without a physical slot; a lone primary with wal_level=replica; one
 * whose slot is made lost.
 */
class PostgresCheckerIT {

  private static final Duration CATCH_UP = Duration.ofSeconds(30);
  private static final List<String> TABLES = List.of("public.orders", "public.customers");

  private static PostgresCluster cluster;
  private static SourceChecker checker;

  @BeforeAll
  static void start() {
    cluster =
        PostgresCluster.builder()
            .standbys(2)
            .standbySetting(1, "hot_standby_feedback", "off")
            .standbySetting(1, "primary_slot_name", "")
            .start();
    PostgresServer primary = cluster.primary();
    primary.executeIn(
        DATABASE,
        "CREATE TABLE orders (id int PRIMARY KEY, total numeric(10,2))",
        "CREATE TABLE customers (id int PRIMARY KEY, name text)",
        "CREATE TABLE notes (id int, body text)",
        "CREATE PUBLICATION twinlog FOR TABLE orders, customers",
        "CREATE PUBLICATION orders_only FOR TABLE orders",
        "CREATE PUBLICATION with_notes FOR TABLE orders, customers, notes");
    primary.execute("CREATE ROLE plain LOGIN PASSWORD 'pw'");
    cluster.awaitStandbysCaughtUp(CATCH_UP);
    // standby-a's slot, as its connector would have created it.
    cluster.createLogicalSlot(cluster.standby(0), slotName("standby-a"), "pgoutput");
    checker = new SourceChecker(4, Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    if (checker != null) {
      checker.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static PostgresCheckRequest request(String replica, PostgresServer server) {
    return request(replica, server, CDC_USER, CDC_PASSWORD, "twinlog", TABLES, false);
  }

  private static PostgresCheckRequest request(
      String replica,
      PostgresServer server,
      String user,
      String password,
      String publication,
      List<String> tables,
      boolean autocreate) {
    return new PostgresCheckRequest(
        replica,
        server.host(),
        server.port(),
        user,
        password,
        DATABASE,
        slotName(replica),
        publication,
        tables,
        autocreate,
        Duration.ofSeconds(5),
        Duration.ofSeconds(10));
  }

  private static String slotName(String replica) {
    return "twinlog_it_" + replica.replace('-', '_');
  }

  private static List<FindingReason> reasons(SourceCheckResult result) {
    return result.findings().stream().map(Finding::reason).toList();
  }

  @Test
  void healthyPrimaryOnlyLacksTheSlotTheConnectorWillCreate() {
    SourceCheckResult result = checker.check(request("primary", cluster.primary())).join();

    assertThat(result.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(FindingReason.SLOT_MISSING);
              assertThat(f.severity()).isEqualTo(Severity.INFO);
              assertThat(f.message())
                  .isEqualTo(
                      "primary has no replication slot twinlog_it_primary yet; the connector"
                          + " creates it when it first starts");
            });
    assertThat(result.healthy()).isTrue();
    assertThat(result.retentionOk()).isTrue();
    assertThat(result.reason()).isEqualTo(FindingReason.OK);
    assertThat(result.facts()).isNull();
    PostgresFacts facts = result.postgres();
    assertThat(facts.serverVersionNum()).isGreaterThanOrEqualTo(170000);
    assertThat(facts.inRecovery()).isFalse();
    assertThat(facts.walLevel()).isEqualTo("logical");
    assertThat(facts.replicationRole()).isTrue();
    assertThat(facts.superuser()).isFalse();
    assertThat(facts.maxReplicationSlots()).isEqualTo(20);
    // The standbys' two physical slots, and a WAL sender for each standby: standby-b streams
    // too, only without using its slot.
    assertThat(facts.replicationSlots()).isEqualTo(2);
    assertThat(facts.walSenders()).isEqualTo(2);
    assertThat(facts.maxSlotWalKeepSizeBytes()).isEqualTo(-1L);
    assertThat(facts.publicationExists()).isTrue();
    assertThat(facts.publishedTables()).containsExactlyInAnyOrderElementsOf(TABLES);
    assertThat(facts.tables())
        .extracting(t -> t.name() + " " + t.replicaIdentity() + " " + t.primaryKey())
        .containsExactly("public.orders d true", "public.customers d true");
    assertThat(result.retainedWalBytes()).isEmpty();
    assertThat(result.walStatus()).isEmpty();
  }

  @Test
  void healthyStandbyWithItsSlotHasNoFindingAndShowsTheWalTheSlotHolds() {
    PostgresServer standby = cluster.standby(0);
    PostgresCheckRequest request = request("standby-a", standby);

    SourceCheckResult result = checker.check(request).join();

    assertThat(result.findings()).isEmpty();
    assertThat(result.healthy()).isTrue();
    assertThat(result.retentionOk()).isTrue();
    PostgresFacts facts = result.postgres();
    assertThat(facts.inRecovery()).isTrue();
    assertThat(facts.hotStandbyFeedback()).isTrue();
    assertThat(facts.primarySlotName()).isEqualTo(PostgresCluster.physicalSlotName(0));
    // Publications and roles come by replication: the standby sees the primary's.
    assertThat(facts.publishedTables()).containsExactlyInAnyOrderElementsOf(TABLES);
    PostgresFacts.SlotFacts slot = facts.slot();
    assertThat(slot.slotType()).isEqualTo("logical");
    assertThat(slot.plugin()).isEqualTo("pgoutput");
    assertThat(slot.database()).isEqualTo(DATABASE);
    assertThat(slot.active()).isFalse();
    assertThat(slot.restartLsn()).isNotNull();
    assertThat(slot.confirmedFlushLsn()).isNotNull();
    assertThat(slot.safeWalSize()).as("max_slot_wal_keep_size is unlimited").isNull();
    assertThat(result.walStatus()).contains("reserved");
    long before = result.retainedWalBytes().orElseThrow();
    assertThat(before).isNotNegative();

    // Nothing reads the slot: the WAL of every new change stays on the standby for it.
    cluster
        .primary()
        .executeIn(DATABASE, "INSERT INTO orders SELECT g, g FROM generate_series(1, 2000) g");
    cluster.awaitStandbyCaughtUp(standby, CATCH_UP);
    SourceCheckResult later = checker.check(request).join();
    assertThat(later.findings()).isEmpty();
    assertThat(later.retainedWalBytes().orElseThrow()).isGreaterThan(before + 50_000);
    System.out.printf(
        "standby slot: wal_status %s, retained %d -> %d bytes after 2000 inserts%n",
        later.walStatus().orElse("?"), before, later.retainedWalBytes().orElseThrow());
  }

  @Test
  void standbyWithoutFeedbackOrPhysicalSlotPutsItsLogicalSlotAtRisk() {
    SourceCheckResult result = checker.check(request("standby-b", cluster.standby(1))).join();

    assertThat(reasons(result))
        .containsExactly(
            FindingReason.HOT_STANDBY_FEEDBACK_OFF,
            FindingReason.STANDBY_WITHOUT_PRIMARY_SLOT,
            FindingReason.SLOT_MISSING);
    assertThat(result.find(FindingReason.HOT_STANDBY_FEEDBACK_OFF).orElseThrow().message())
        .startsWith(
            "standby standby-b runs with hot_standby_feedback=off, so the primary's vacuum"
                + " removes catalog rows its logical slot twinlog_it_standby_b still needs")
        .endsWith(
            "ALTER SYSTEM SET hot_standby_feedback = on on standby-b, then SELECT"
                + " pg_reload_conf()");
    assertThat(result.find(FindingReason.STANDBY_WITHOUT_PRIMARY_SLOT).orElseThrow().severity())
        .isEqualTo(Severity.WARNING);
    assertThat(result.healthy()).isFalse();
    assertThat(result.retentionOk()).isFalse();
    assertThat(result.sourceFindings()).isEmpty();
    assertThat(result.postgres().primarySlotName()).isEmpty();
  }

  @Test
  void userWithoutReplicationCannotUseSlots() {
    SourceCheckResult result =
        checker
            .check(
                request("standby-a", cluster.standby(0), "plain", "pw", "twinlog", TABLES, false))
            .join();

    assertThat(reasons(result)).containsExactly(FindingReason.NO_REPLICATION_ATTRIBUTE);
    assertThat(result.findings().get(0).message())
        .isEqualTo(
            "user plain on standby-a lacks the REPLICATION attribute, so it can neither create"
                + " nor stream from a replication slot: ALTER ROLE plain REPLICATION on the"
                + " primary (roles reach the standbys by replication)");
    assertThat(result.healthy()).isFalse();
  }

  @Test
  void missingPublicationIsAnErrorUnlessTheConnectorCreatesItOnThePrimary() {
    SourceCheckResult missing =
        checker
            .check(
                request(
                    "primary", cluster.primary(), CDC_USER, CDC_PASSWORD, "nope", TABLES, false))
            .join();
    assertThat(missing.reason()).isEqualTo(FindingReason.PUBLICATION_MISSING);
    assertThat(missing.find(FindingReason.PUBLICATION_MISSING).orElseThrow().message())
        .isEqualTo(
            "primary has no publication nope in database shop, and the connector reads only a"
                + " publication's tables: CREATE PUBLICATION nope FOR TABLE public.orders,"
                + " public.customers on the primary");

    SourceCheckResult autocreated =
        checker
            .check(
                request("primary", cluster.primary(), CDC_USER, CDC_PASSWORD, "nope", TABLES, true))
            .join();
    assertThat(autocreated.find(FindingReason.PUBLICATION_MISSING).orElseThrow().severity())
        .isEqualTo(Severity.INFO);
    assertThat(autocreated.healthy()).isTrue();

    // Nothing can create a publication on a standby.
    SourceCheckResult onStandby =
        checker
            .check(
                request(
                    "standby-a", cluster.standby(0), CDC_USER, CDC_PASSWORD, "nope", TABLES, true))
            .join();
    assertThat(onStandby.find(FindingReason.PUBLICATION_MISSING).orElseThrow().message())
        .endsWith("none can be created on a standby)");
    assertThat(onStandby.healthy()).isFalse();
  }

  @Test
  void publicationWithoutACapturedTableNamesIt() {
    SourceCheckResult result =
        checker
            .check(
                request(
                    "standby-a",
                    cluster.standby(0),
                    CDC_USER,
                    CDC_PASSWORD,
                    "orders_only",
                    List.of("public.orders", "public.customers", "public.absent"),
                    false))
            .join();

    assertThat(reasons(result))
        .containsExactly(
            FindingReason.PUBLICATION_MISSES_TABLES, FindingReason.CAPTURED_TABLE_MISSING);
    assertThat(result.find(FindingReason.PUBLICATION_MISSES_TABLES).orElseThrow().message())
        .isEqualTo(
            "publication orders_only on standby-a does not include public.customers, so the"
                + " connector never sees changes to it: ALTER PUBLICATION orders_only ADD TABLE"
                + " public.customers on the primary");
    assertThat(result.find(FindingReason.CAPTURED_TABLE_MISSING).orElseThrow().message())
        .startsWith("standby-a has no table public.absent in database shop");
  }

  @Test
  void tableWithoutPrimaryKeyAndDefaultIdentityLosesTheIdentityOfUpdates() {
    PostgresServer primary = cluster.primary();
    List<String> tables = List.of("public.orders", "public.notes");
    PostgresCheckRequest request =
        request("primary", primary, CDC_USER, CDC_PASSWORD, "with_notes", tables, false);

    SourceCheckResult result = checker.check(request).join();
    assertThat(reasons(result))
        .containsExactly(FindingReason.REPLICA_IDENTITY_MISSING, FindingReason.SLOT_MISSING);
    assertThat(result.findings().get(0).message())
        .startsWith(
            "table public.notes on primary has no primary key and REPLICA IDENTITY DEFAULT, so an"
                + " update or delete carries no key")
        .contains("ALTER TABLE public.notes REPLICA IDENTITY FULL");
    // What the message says of the primary is so: it rejects the update outright.
    primary.executeIn(DATABASE, "INSERT INTO notes VALUES (1, 'a')");
    assertThatThrownBy(() -> primary.executeIn(DATABASE, "UPDATE notes SET body = 'b'"))
        .hasMessageContaining("does not have a replica identity and publishes updates");

    primary.executeIn(DATABASE, "ALTER TABLE notes REPLICA IDENTITY FULL");
    try {
      assertThat(reasons(checker.check(request).join()))
          .containsExactly(FindingReason.SLOT_MISSING);
    } finally {
      primary.executeIn(DATABASE, "ALTER TABLE notes REPLICA IDENTITY DEFAULT");
    }
  }

  @Test
  void connectionFailuresHaveTheirReasons() throws IOException {
    PostgresServer primary = cluster.primary();
    SourceCheckResult wrongPassword =
        checker
            .check(request("primary", primary, CDC_USER, "wrong-secret", "twinlog", TABLES, false))
            .join();
    assertThat(wrongPassword.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(FindingReason.AUTHENTICATION_FAILED);
              assertThat(f.message())
                  .startsWith("primary rejected user cdc (")
                  .contains("password authentication failed")
                  .contains("pg_hba.conf")
                  .doesNotContain("wrong-secret");
            });
    assertThat(wrongPassword.postgres()).isNull();
    assertThat(wrongPassword.retentionOk()).isFalse();

    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    PostgresCheckRequest closed =
        new PostgresCheckRequest(
            "replica-gone",
            "127.0.0.1",
            closedPort,
            CDC_USER,
            CDC_PASSWORD,
            DATABASE,
            "slot",
            null,
            TABLES,
            false,
            null,
            null);
    SourceCheckResult unreachable = checker.check(closed).join();
    assertThat(unreachable.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(FindingReason.UNREACHABLE);
              assertThat(f.message())
                  .startsWith("cannot connect to replica-gone at 127.0.0.1:" + closedPort + " (")
                  .contains("listen_addresses");
            });
    assertThat(unreachable.healthy()).isFalse();
    assertThat(unreachable.retentionOk()).isFalse();

    PostgresCheckRequest nowhere =
        new PostgresCheckRequest(
            "replica-d",
            "twinlog-no-such-host.invalid",
            5432,
            CDC_USER,
            CDC_PASSWORD,
            DATABASE,
            "slot",
            null,
            TABLES,
            false,
            null,
            null);
    assertThat(checker.check(nowhere).join().reason()).isEqualTo(FindingReason.DNS_FAILURE);
  }

  @Test
  void silentServerTimesOutAndIdenticalChecksShareOneProbe() throws Exception {
    try (SilentServer silent = new SilentServer()) {
      PostgresCheckRequest hung =
          new PostgresCheckRequest(
                  "replica-hung",
                  "127.0.0.1",
                  silent.port(),
                  CDC_USER,
                  CDC_PASSWORD,
                  DATABASE,
                  "slot",
                  null,
                  TABLES,
                  false,
                  null,
                  null)
              .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1));
      CompletableFuture<SourceCheckResult> first = checker.check(hung);
      assertThat(checker.check(hung)).as("identical checks share one probe").isSameAs(first);
      SourceCheckResult timedOut = first.join();
      assertThat(timedOut.reason()).isEqualTo(FindingReason.TIMEOUT);
      assertThat(timedOut.findings().get(0).message())
          .startsWith("replica-hung at 127.0.0.1:" + silent.port() + " did not");
    }
  }

  @Test
  void walLevelReplicaOnAPrimaryHasNothingToDecode() {
    try (PostgresCluster lone =
        PostgresCluster.builder().standbys(0).setting("wal_level", "replica").start()) {
      lone.primary().executeIn(DATABASE, "CREATE TABLE orders (id int PRIMARY KEY)");
      SourceCheckResult result =
          checker
              .check(
                  request(
                      "primary",
                      lone.primary(),
                      CDC_USER,
                      CDC_PASSWORD,
                      "twinlog",
                      List.of("public.orders"),
                      true))
              .join();

      assertThat(result.reason()).isEqualTo(FindingReason.WAL_LEVEL_NOT_LOGICAL);
      assertThat(result.find(FindingReason.WAL_LEVEL_NOT_LOGICAL).orElseThrow().message())
          .isEqualTo(
              "primary has wal_level=replica, so its WAL holds nothing to decode: ALTER SYSTEM SET"
                  + " wal_level = 'logical' and restart the server (a reload is not enough)");
      assertThat(result.healthy()).isFalse();
    }
  }

  @Test
  void slotBeyondMaxSlotWalKeepSizeIsAtRiskThenLost() {
    try (PostgresCluster lone =
        PostgresCluster.builder()
            .standbys(0)
            .primarySetting("max_slot_wal_keep_size", "1MB")
            .start()) {
      PostgresServer primary = lone.primary();
      primary.executeIn(
          DATABASE,
          "CREATE TABLE orders (id int PRIMARY KEY, total numeric(10,2))",
          "CREATE PUBLICATION twinlog FOR TABLE orders");
      PostgresCheckRequest request =
          request(
              "primary",
              primary,
              CDC_USER,
              CDC_PASSWORD,
              "twinlog",
              List.of("public.orders"),
              false);
      lone.createLogicalSlot(primary, request.slotName(), "pgoutput");
      SourceCheckResult fresh = checker.check(request).join();
      assertThat(fresh.postgres().maxSlotWalKeepSizeBytes()).isEqualTo(1024 * 1024L);
      assertThat(fresh.healthy()).isTrue();
      System.out.printf(
          "fresh slot under max_slot_wal_keep_size=1MB: wal_status %s, safe_wal_size %s, %s%n",
          fresh.walStatus().orElse("?"), fresh.postgres().slot().safeWalSize(), fresh.findings());

      long t0 = System.nanoTime();
      List<String> statuses = new ArrayList<>();
      SourceCheckResult atRisk = null;
      SourceCheckResult lost = null;
      for (int i = 0; i < 20 && lost == null; i++) {
        primary.executeIn(
            DATABASE,
            "INSERT INTO orders SELECT g, g FROM generate_series("
                + (i * 1000 + 1)
                + ", "
                + (i * 1000 + 1000)
                + ") g",
            "SELECT pg_switch_wal()");
        SourceCheckResult beforeCheckpoint = checker.check(request).join();
        statuses.add(beforeCheckpoint.walStatus().orElse("?"));
        if (atRisk == null && beforeCheckpoint.has(FindingReason.SLOT_AT_RISK)) {
          atRisk = beforeCheckpoint;
        }
        primary.execute("CHECKPOINT");
        SourceCheckResult afterCheckpoint = checker.check(request).join();
        statuses.add(afterCheckpoint.walStatus().orElse("?"));
        if (afterCheckpoint.has(FindingReason.SLOT_LOST)) {
          lost = afterCheckpoint;
        }
      }
      System.out.printf(
          "slot lost after %d ms, wal_status seen: %s%n",
          (System.nanoTime() - t0) / 1_000_000, statuses);

      assertThat(atRisk).as("at risk before lost; seen %s", statuses).isNotNull();
      assertThat(atRisk.find(FindingReason.SLOT_AT_RISK).orElseThrow().severity())
          .isEqualTo(Severity.WARNING);
      assertThat(atRisk.retentionOk()).isFalse();
      assertThat(atRisk.healthy()).isTrue();

      assertThat(lost).as("lost; seen %s", statuses).isNotNull();
      assertThat(lost.walStatus()).contains("lost");
      assertThat(lost.postgres().slot().invalidationReason()).isEqualTo("wal_removed");
      Finding finding = lost.find(FindingReason.SLOT_LOST).orElseThrow();
      assertThat(finding.severity()).isEqualTo(Severity.ERROR);
      assertThat(finding.message())
          .startsWith(
              "replication slot twinlog_it_primary on primary is lost (wal_status=lost,"
                  + " invalidation_reason=wal_removed): ")
          .contains("SELECT pg_drop_replication_slot('twinlog_it_primary') on primary")
          .endsWith(
              "raise max_slot_wal_keep_size (now 1024 kB) above the WAL of the longest outage");
      assertThat(lost.retentionOk()).isFalse();
      assertThat(lost.healthy()).isFalse();
      assertThat(lost.sourceFindings()).isEmpty();
      assertThat(lost.retentionFindings())
          .extracting(Finding::reason)
          .containsExactly(FindingReason.SLOT_LOST);
    }
  }
}
