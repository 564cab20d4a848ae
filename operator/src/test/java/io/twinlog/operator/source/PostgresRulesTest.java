package io.twinlog.operator.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.operator.source.PostgresFacts.SlotFacts;
import io.twinlog.operator.source.PostgresFacts.TableFacts;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PostgresRulesTest {

  private static final long MB = 1024 * 1024;

  private static PostgresCheckRequest request(String replica) {
    return new PostgresCheckRequest(
        replica,
        "pg-" + replica,
        5432,
        "cdc",
        "s3cret",
        "shop",
        "twinlog_slot",
        null,
        List.of("public.orders", "public.customers"),
        false,
        null,
        null);
  }

  private static SlotFacts slot(String walStatus, Long safeWalSize, boolean active) {
    return new SlotFacts(
        "twinlog_slot",
        "logical",
        "pgoutput",
        "shop",
        active,
        walStatus,
        safeWalSize,
        "0/3000060",
        "0/3000098",
        4096L,
        false,
        null);
  }

  /** A primary set up for CDC, its slot created and reserved. */
  private static PostgresFacts.Builder primary() {
    return PostgresFacts.builder()
        .server(170006, "17.6", false)
        .walLevel("logical")
        .capacity(10, 3, 10, 2)
        .role(true, false)
        .standby(false, "")
        .maxSlotWalKeepSizeBytes(-1L)
        .publication(true, false, Set.of("public.orders", "public.customers"))
        .tables(
            List.of(
                new TableFacts("public.orders", true, "d", true),
                new TableFacts("public.customers", true, "d", true)))
        .slot(slot("reserved", null, true));
  }

  /** A standby set up for CDC. */
  private static PostgresFacts.Builder standby() {
    return primary().server(160004, "16.4", true).standby(true, "standby_1");
  }

  private static List<Finding> evaluate(PostgresFacts.Builder facts) {
    return PostgresRules.evaluate(request("replica-b"), facts.build());
  }

  private static List<FindingReason> reasons(PostgresFacts.Builder facts) {
    return evaluate(facts).stream().map(Finding::reason).toList();
  }

  @Test
  void primaryAndStandbySetUpForCdcHaveNoFindings() {
    assertThat(evaluate(primary())).isEmpty();
    assertThat(evaluate(standby())).isEmpty();
    // A primary's hot_standby_feedback and primary_slot_name mean nothing.
    assertThat(evaluate(primary().standby(false, ""))).isEmpty();
  }

  @Test
  void releasesBefore16AreUnsupported() {
    List<Finding> findings = evaluate(standby().server(150008, "15.8", true));
    assertThat(findings)
        .extracting(Finding::reason)
        .containsExactly(FindingReason.POSTGRES_VERSION_UNSUPPORTED);
    assertThat(findings.get(0).severity()).isEqualTo(Severity.ERROR);
    assertThat(findings.get(0).message())
        .startsWith("replica-b runs PostgreSQL 15.8; Twinlog needs PostgreSQL 16 or newer");
    assertThat(reasons(primary().server(160000, "16.0", false))).isEmpty();
  }

  @Test
  void walLevelBelowLogicalSaysWhereToSetIt() {
    assertThat(evaluate(primary().walLevel("replica")).get(0).message())
        .isEqualTo(
            "replica-b has wal_level=replica, so its WAL holds nothing to decode: ALTER SYSTEM SET"
                + " wal_level = 'logical' and restart the server (a reload is not enough)");
    assertThat(evaluate(standby().walLevel("replica")).get(0).message())
        .contains("on itself and on its primary");
  }

  @Test
  void replicationAttributeOrSuperuserIsNeeded() {
    assertThat(reasons(primary().role(false, false)))
        .containsExactly(FindingReason.NO_REPLICATION_ATTRIBUTE);
    assertThat(reasons(primary().role(false, true))).isEmpty();
    // Not read (null): no finding rather than a guess.
    assertThat(reasons(primary().role(null, null))).isEmpty();
  }

  @Test
  void noFreeSlotMattersOnlyBeforeTheSlotExists() {
    assertThat(reasons(primary().capacity(3, 3, 10, 2).slot(null)))
        .containsExactly(FindingReason.REPLICATION_SLOTS_EXHAUSTED, FindingReason.SLOT_MISSING);
    assertThat(evaluate(primary().capacity(3, 3, 10, 2).slot(null)).get(0).message())
        .startsWith(
            "replica-b has all 3 replication slots in use (max_replication_slots), so the"
                + " connector cannot create its slot twinlog_slot");
    // Its own slot is among the 3.
    assertThat(reasons(primary().capacity(3, 3, 10, 2))).isEmpty();
  }

  @Test
  void noFreeWalSenderMattersUnlessTheConnectorAlreadyHoldsOne() {
    assertThat(reasons(primary().capacity(10, 3, 4, 4).slot(slot("reserved", null, false))))
        .containsExactly(FindingReason.REPLICATION_SLOTS_EXHAUSTED);
    assertThat(reasons(primary().capacity(10, 3, 4, 4).slot(slot("reserved", null, true))))
        .isEmpty();
    assertThat(reasons(primary().capacity(10, 3, 4, 3).slot(slot("reserved", null, false))))
        .isEmpty();
  }

  @Test
  void publicationMustExistAndHoldEveryCapturedTable() {
    assertThat(reasons(primary().publication(false, null, null)))
        .containsExactly(FindingReason.PUBLICATION_MISSING);
    assertThat(reasons(primary().publication(true, false, Set.of("public.orders", "public.other"))))
        .containsExactly(FindingReason.PUBLICATION_MISSES_TABLES);
    assertThat(reasons(primary().publication(true, true, Set.of()))).isEmpty();
  }

  @Test
  void autocreatedPublicationMissingOnAPrimaryIsOnlyInformation() {
    PostgresCheckRequest autocreate =
        new PostgresCheckRequest(
            "replica-a",
            "db",
            5432,
            "cdc",
            "pw",
            "shop",
            "twinlog_slot",
            "twinlog",
            List.of("public.orders"),
            true,
            null,
            null);
    List<Finding> onPrimary =
        PostgresRules.evaluate(autocreate, primary().publication(false, null, null).build());
    assertThat(onPrimary).extracting(Finding::severity).containsExactly(Severity.INFO);
    List<Finding> onStandby =
        PostgresRules.evaluate(autocreate, standby().publication(false, null, null).build());
    assertThat(onStandby).extracting(Finding::severity).containsExactly(Severity.ERROR);
  }

  @Test
  void tablesMustExistAndIdentifyTheirRows() {
    List<Finding> findings =
        evaluate(
            primary()
                .publication(true, true, Set.of())
                .tables(
                    List.of(
                        new TableFacts("public.orders", true, "d", true),
                        new TableFacts("public.keyless", true, "d", false),
                        new TableFacts("public.silent", true, "n", true),
                        new TableFacts("public.full", true, "f", false),
                        new TableFacts("public.indexed", true, "i", false),
                        new TableFacts("public.gone", false, null, false))));
    assertThat(findings)
        .extracting(Finding::reason)
        .containsExactly(
            FindingReason.CAPTURED_TABLE_MISSING, FindingReason.REPLICA_IDENTITY_MISSING);
    assertThat(findings.get(1).message())
        .startsWith(
            "tables public.keyless, public.silent on replica-b have no primary key and REPLICA"
                + " IDENTITY DEFAULT/NOTHING")
        .contains(
            "ALTER TABLE public.keyless REPLICA IDENTITY FULL; ALTER TABLE public.silent REPLICA"
                + " IDENTITY FULL");
  }

  @Test
  void standbyWithoutFeedbackOrPhysicalSlot() {
    assertThat(reasons(standby().standby(false, "standby_1")))
        .containsExactly(FindingReason.HOT_STANDBY_FEEDBACK_OFF);
    assertThat(evaluate(standby().standby(true, "")))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(FindingReason.STANDBY_WITHOUT_PRIMARY_SLOT);
              assertThat(f.severity()).isEqualTo(Severity.WARNING);
            });
  }

  @Test
  void missingSlotIsInformationOnly() {
    assertThat(evaluate(standby().slot(null)))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(FindingReason.SLOT_MISSING);
              assertThat(f.severity()).isEqualTo(Severity.INFO);
              assertThat(f.message()).contains("once the primary logs its next running");
            });
  }

  @Test
  void slotIsLostByWalRemovalOrByARecoveryConflict() {
    assertThat(evaluate(primary().maxSlotWalKeepSizeBytes(64 * MB).slot(slot("lost", null, false))))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(FindingReason.SLOT_LOST);
              assertThat(f.severity()).isEqualTo(Severity.ERROR);
              assertThat(f.message())
                  .startsWith(
                      "replication slot twinlog_slot on replica-b is lost (wal_status=lost)")
                  .contains("Twinlog does not restart it")
                  .endsWith(
                      "raise max_slot_wal_keep_size (now 64 MB) above the WAL of the longest outage");
            });
    // A standby's slot invalidated by catalog rows the primary vacuumed away (16: conflicting).
    SlotFacts conflicting =
        new SlotFacts(
            "twinlog_slot",
            "logical",
            "pgoutput",
            "shop",
            false,
            "reserved",
            null,
            "0/1",
            "0/2",
            0L,
            true,
            null);
    assertThat(evaluate(standby().slot(conflicting)).get(0).message())
        .contains("(wal_status=reserved, conflicting)");
    SlotFacts rowsRemoved =
        new SlotFacts(
            "twinlog_slot",
            "logical",
            "pgoutput",
            "shop",
            false,
            "reserved",
            null,
            "0/1",
            "0/2",
            0L,
            true,
            "rows_removed");
    assertThat(evaluate(standby().slot(rowsRemoved)).get(0).message())
        .contains("(wal_status=reserved, invalidation_reason=rows_removed)");
  }

  @Test
  void slotIsAtRiskWhenUnreservedOrWithLittleSafeWalLeft() {
    PostgresFacts.Builder limited = primary().maxSlotWalKeepSizeBytes(1024 * MB);
    assertThat(evaluate(limited.slot(slot("unreserved", null, false))))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(FindingReason.SLOT_AT_RISK);
              assertThat(f.severity()).isEqualTo(Severity.WARNING);
              assertThat(f.message())
                  .contains("more than max_slot_wal_keep_size=1024 MB (wal_status=unreserved)")
                  .contains("nothing reads from it now");
            });
    // Less than a quarter of the 1 GB budget left.
    assertThat(reasons(limited.slot(slot("extended", 200 * MB, true))))
        .containsExactly(FindingReason.SLOT_AT_RISK);
    assertThat(evaluate(limited.slot(slot("extended", 200 * MB, true))).get(0).message())
        .contains("can fall only 200 MB further behind")
        .contains("the connector streams from it but is behind");
    assertThat(reasons(limited.slot(slot("reserved", 300 * MB, true)))).isEmpty();
    // Unlimited: safe_wal_size is null and nothing is at risk.
    assertThat(reasons(primary().slot(slot("extended", null, false)))).isEmpty();
  }

  @Test
  void slotFindingsAreTheRetentionSideAndTheRestIsHealth() {
    assertThat(FindingReason.SLOT_LOST.isRetention()).isTrue();
    assertThat(FindingReason.SLOT_AT_RISK.isRetention()).isTrue();
    assertThat(FindingReason.SLOT_MISSING.isRetention()).isTrue();
    assertThat(FindingReason.HOT_STANDBY_FEEDBACK_OFF.isRetention()).isTrue();
    assertThat(FindingReason.STANDBY_WITHOUT_PRIMARY_SLOT.isRetention()).isTrue();
    assertThat(FindingReason.WAL_LEVEL_NOT_LOGICAL.isRetention()).isFalse();
    assertThat(FindingReason.PUBLICATION_MISSING.isRetention()).isFalse();
    assertThat(FindingReason.REPLICA_IDENTITY_MISSING.isRetention()).isFalse();
    assertThat(FindingReason.SLOT_LOST.conditionReason()).isEqualTo("SlotLost");
    assertThat(FindingReason.SLOT_LOST.runbook())
        .isEqualTo("docs/operations/runbooks/source-slot-lost.md");
  }

  @Test
  void everyReasonHasItsRunbook() {
    assertThat(FindingReason.values())
        .filteredOn(r -> r != FindingReason.OK)
        .allSatisfy(
            r -> assertThat(Path.of("..").resolve(r.runbook())).as(r.name()).isRegularFile());
  }

  @Test
  void resultCarriesThePostgresFactsForTheStatus() {
    PostgresFacts facts = primary().slot(slot("unreserved", null, false)).build();
    SourceCheckResult result =
        new SourceCheckResult(
            "replica-b",
            Instant.EPOCH,
            PostgresRules.evaluate(request("replica-b"), facts),
            null,
            facts);
    assertThat(result.retainedWalBytes()).contains(4096L);
    assertThat(result.walStatus()).contains("unreserved");
    assertThat(result.healthy()).isTrue();
    assertThat(result.retentionOk()).isFalse();
    assertThat(result.reason()).isEqualTo(FindingReason.SLOT_AT_RISK);

    SourceCheckResult fine =
        new SourceCheckResult("replica-b", Instant.EPOCH, List.of(), null, primary().build());
    assertThat(fine.retentionOk()).isTrue();
    SourceCheckResult unread = new SourceCheckResult("replica-b", Instant.EPOCH, List.of(), null);
    assertThat(unread.retentionOk()).isFalse();
    assertThat(unread.retainedWalBytes()).isEmpty();
  }

  @Test
  void passwordIsRedactedAndPostgresLoginFailuresAreClassified() {
    assertThat(request("replica-b").toString()).contains("password=***").doesNotContain("s3cret");
    assertThat(
            FailureFindings.classify(
                new SQLException(
                    "FATAL: password authentication failed for user \"cdc\"", "28P01")))
        .isEqualTo(FindingReason.AUTHENTICATION_FAILED);
    assertThat(
            FailureFindings.classify(
                new SQLException("ERROR: permission denied for table orders", "42501")))
        .isEqualTo(FindingReason.MISSING_GRANTS);
  }

  @Test
  void sizesReadLikePgSizePretty() {
    assertThat(PostgresRules.bytes(512)).isEqualTo("512 bytes");
    assertThat(PostgresRules.bytes(MB)).isEqualTo("1024 kB");
    assertThat(PostgresRules.bytes(64 * MB)).isEqualTo("64 MB");
    assertThat(PostgresRules.bytes(20L * 1024 * MB)).isEqualTo("20 GB");
  }
}
