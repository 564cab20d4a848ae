package io.twinlog.operator.source;

import io.twinlog.operator.source.PostgresFacts.SlotFacts;
import io.twinlog.operator.source.PostgresFacts.TableFacts;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Pure rules: facts read from a PostgreSQL server in, findings with actionable messages out. */
public final class PostgresRules {

  /** The first release that decodes logically on a standby. */
  public static final int MINIMUM_VERSION_NUM = 160000;

  /**
   * A slot is at risk once less than this share of {@code max_slot_wal_keep_size} is left before
   * PostgreSQL invalidates it: a quarter of the budget is a few minutes of a write burst away.
   */
  static final int AT_RISK_DIVISOR = 4;

  private PostgresRules() {}

  /** Every finding for {@code facts}, server and role first, then publication, tables, slot. */
  public static List<Finding> evaluate(PostgresCheckRequest request, PostgresFacts facts) {
    List<Finding> findings = new ArrayList<>();
    findings.addAll(server(request, facts));
    findings.addAll(publication(request, facts));
    findings.addAll(tables(request, facts));
    findings.addAll(standby(request, facts));
    findings.addAll(slot(request, facts));
    return findings;
  }

  static List<Finding> server(PostgresCheckRequest request, PostgresFacts facts) {
    String r = request.replicaName();
    boolean standby = Boolean.TRUE.equals(facts.inRecovery());
    List<Finding> findings = new ArrayList<>();
    if (facts.serverVersionNum() != null && facts.serverVersionNum() < MINIMUM_VERSION_NUM) {
      findings.add(
          Finding.error(
              FindingReason.POSTGRES_VERSION_UNSUPPORTED,
              r
                  + " runs PostgreSQL "
                  + (facts.version() != null ? facts.version() : facts.serverVersionNum())
                  + "; Twinlog needs PostgreSQL 16 or newer, the first release that decodes"
                  + " logically on standbys: upgrade the server (pg_upgrade), or read this"
                  + " replica's data from a 16+ server"));
    }
    if (facts.walLevel() != null && !facts.walLevel().equals("logical")) {
      findings.add(
          Finding.error(
              FindingReason.WAL_LEVEL_NOT_LOGICAL,
              standby
                  ? r
                      + " has wal_level="
                      + facts.walLevel()
                      + "; a standby decodes only with wal_level=logical on itself and on its"
                      + " primary: ALTER SYSTEM SET wal_level = 'logical' on both (the primary"
                      + " first) and restart them (a reload is not enough)"
                  : r
                      + " has wal_level="
                      + facts.walLevel()
                      + ", so its WAL holds nothing to decode: ALTER SYSTEM SET wal_level ="
                      + " 'logical' and restart the server (a reload is not enough)"));
    }
    if (Boolean.FALSE.equals(facts.replicationRole()) && !Boolean.TRUE.equals(facts.superuser())) {
      findings.add(
          Finding.error(
              FindingReason.NO_REPLICATION_ATTRIBUTE,
              "user "
                  + request.user()
                  + " on "
                  + r
                  + " lacks the REPLICATION attribute, so it can neither create nor stream from"
                  + " a replication slot: ALTER ROLE "
                  + request.user()
                  + " REPLICATION on the primary (roles reach the standbys by replication)"));
    }
    SlotFacts slot = facts.slot();
    if (slot == null
        && facts.maxReplicationSlots() != null
        && facts.replicationSlots() != null
        && facts.replicationSlots() >= facts.maxReplicationSlots()) {
      findings.add(
          Finding.error(
              FindingReason.REPLICATION_SLOTS_EXHAUSTED,
              r
                  + " has all "
                  + facts.maxReplicationSlots()
                  + " replication slots in use (max_replication_slots), so the connector cannot"
                  + " create its slot "
                  + request.slotName()
                  + ": drop slots nothing reads (SELECT slot_name, active FROM"
                  + " pg_replication_slots), or raise max_replication_slots and restart the"
                  + " server"));
    }
    // A slot the connector streams from already holds its WAL sender.
    int needed = slot != null && slot.active() ? 0 : 1;
    if (facts.maxWalSenders() != null
        && facts.walSenders() != null
        && facts.walSenders() + needed > facts.maxWalSenders()) {
      findings.add(
          Finding.error(
              FindingReason.REPLICATION_SLOTS_EXHAUSTED,
              r
                  + " runs "
                  + facts.walSenders()
                  + " WAL senders, as many as max_wal_senders="
                  + facts.maxWalSenders()
                  + " allows, so the connector cannot open its replication connection: raise"
                  + " max_wal_senders and restart the server (a standby's must be at least its"
                  + " primary's)"));
    }
    return findings;
  }

  static List<Finding> publication(PostgresCheckRequest request, PostgresFacts facts) {
    String r = request.replicaName();
    String pub = request.publication();
    boolean standby = Boolean.TRUE.equals(facts.inRecovery());
    List<Finding> findings = new ArrayList<>();
    if (Boolean.FALSE.equals(facts.publicationExists())) {
      if (request.publicationAutocreate() && !standby) {
        findings.add(
            Finding.info(
                FindingReason.PUBLICATION_MISSING,
                "publication "
                    + pub
                    + " does not exist in database "
                    + request.database()
                    + " on "
                    + r
                    + " yet; the connector creates it when it starts (publicationAutocreate:"
                    + " filtered), which needs CREATE on the database and ownership of the"
                    + " captured tables"));
      } else {
        findings.add(
            Finding.error(
                FindingReason.PUBLICATION_MISSING,
                r
                    + " has no publication "
                    + pub
                    + " in database "
                    + request.database()
                    + ", and the connector reads only a publication's tables: CREATE PUBLICATION "
                    + pub
                    + forTables(request)
                    + " on the primary"
                    + (standby
                        ? " (a standby has the primary's publications as soon as it replayed"
                            + " them; none can be created on a standby)"
                        : "")));
      }
      return findings;
    }
    if (facts.publishedTables() == null || Boolean.TRUE.equals(facts.publicationAllTables())) {
      return findings;
    }
    List<String> missing =
        facts.tables().stream()
            .filter(TableFacts::exists)
            .map(TableFacts::name)
            .filter(t -> !facts.publishedTables().contains(qualified(t)))
            .toList();
    if (!missing.isEmpty()) {
      findings.add(
          Finding.error(
              FindingReason.PUBLICATION_MISSES_TABLES,
              "publication "
                  + pub
                  + " on "
                  + r
                  + " does not include "
                  + String.join(", ", missing)
                  + ", so the connector never sees changes to "
                  + (missing.size() == 1 ? "it" : "them")
                  + ": ALTER PUBLICATION "
                  + pub
                  + " ADD TABLE "
                  + String.join(", ", missing)
                  + " on the primary"));
    }
    return findings;
  }

  static List<Finding> tables(PostgresCheckRequest request, PostgresFacts facts) {
    String r = request.replicaName();
    List<Finding> findings = new ArrayList<>();
    List<String> absent =
        facts.tables().stream().filter(t -> !t.exists()).map(TableFacts::name).toList();
    if (!absent.isEmpty()) {
      findings.add(
          Finding.error(
              FindingReason.CAPTURED_TABLE_MISSING,
              r
                  + " has no table "
                  + String.join(", ", absent)
                  + " in database "
                  + request.database()
                  + " (spec.source.include.tables, as schema.table, case-sensitive): create it on"
                  + " the primary, or correct the spec"
                  + (Boolean.TRUE.equals(facts.inRecovery())
                      ? " (a standby that lags has not replayed a new table yet)"
                      : "")));
    }
    List<TableFacts> unidentified =
        facts.tables().stream().filter(t -> t.exists() && !t.identifiesRows()).toList();
    if (!unidentified.isEmpty()) {
      List<String> names = unidentified.stream().map(TableFacts::name).toList();
      StringBuilder alter = new StringBuilder();
      for (String name : names) {
        alter.append(alter.isEmpty() ? "" : "; ").append("ALTER TABLE ").append(name);
        alter.append(" REPLICA IDENTITY FULL");
      }
      findings.add(
          Finding.error(
              FindingReason.REPLICA_IDENTITY_MISSING,
              (names.size() == 1 ? "table " : "tables ")
                  + String.join(", ", names)
                  + " on "
                  + r
                  + (names.size() == 1 ? " has" : " have")
                  + " no primary key and REPLICA IDENTITY "
                  + identities(unidentified)
                  + ", so an update or delete carries no key to tell which row it changed: in a"
                  + " publication that publishes them the primary even rejects every UPDATE and"
                  + " DELETE on such a table; add a primary key, or on the primary "
                  + alter
                  + " (or REPLICA IDENTITY USING INDEX on a unique index of NOT NULL columns)"));
    }
    return findings;
  }

  static List<Finding> standby(PostgresCheckRequest request, PostgresFacts facts) {
    String r = request.replicaName();
    List<Finding> findings = new ArrayList<>();
    if (!Boolean.TRUE.equals(facts.inRecovery())) {
      return findings;
    }
    if (Boolean.FALSE.equals(facts.hotStandbyFeedback())) {
      findings.add(
          Finding.error(
              FindingReason.HOT_STANDBY_FEEDBACK_OFF,
              "standby "
                  + r
                  + " runs with hot_standby_feedback=off, so the primary's vacuum removes catalog"
                  + " rows its logical slot "
                  + request.slotName()
                  + " still needs, and the standby then invalidates the slot (the connector"
                  + " cannot resume): ALTER SYSTEM SET hot_standby_feedback = on on "
                  + r
                  + ", then SELECT pg_reload_conf()"));
    }
    if (facts.primarySlotName() != null && facts.primarySlotName().isBlank()) {
      findings.add(
          Finding.warning(
              FindingReason.STANDBY_WITHOUT_PRIMARY_SLOT,
              "standby "
                  + r
                  + " streams without a physical slot on its primary (primary_slot_name is"
                  + " empty): while it is disconnected the primary neither keeps the WAL it has"
                  + " yet to receive nor honours its feedback, and vacuum can remove catalog rows"
                  + " its logical slot needs: on the primary SELECT"
                  + " pg_create_physical_replication_slot('<name>', true); on "
                  + r
                  + " ALTER SYSTEM SET primary_slot_name = '<name>', then SELECT"
                  + " pg_reload_conf()"));
    }
    return findings;
  }

  static List<Finding> slot(PostgresCheckRequest request, PostgresFacts facts) {
    String r = request.replicaName();
    String name = request.slotName();
    SlotFacts slot = facts.slot();
    List<Finding> findings = new ArrayList<>();
    if (slot == null) {
      findings.add(
          Finding.info(
              FindingReason.SLOT_MISSING,
              r
                  + " has no replication slot "
                  + name
                  + " yet; the connector creates it when it first starts"
                  + (Boolean.TRUE.equals(facts.inRecovery())
                      ? " (on a standby once the primary logs its next running transactions, at"
                          + " most 15 s on an idle primary)"
                      : "")));
      return findings;
    }
    Long keep = facts.maxSlotWalKeepSizeBytes();
    String keepText = keep == null ? "?" : keep < 0 ? "-1 (no limit)" : bytes(keep);
    if (slot.lost()) {
      StringBuilder why = new StringBuilder("wal_status=").append(slot.walStatus());
      if (slot.invalidationReason() != null) {
        why.append(", invalidation_reason=").append(slot.invalidationReason());
      } else if (Boolean.TRUE.equals(slot.conflicting())) {
        why.append(", conflicting");
      }
      findings.add(
          Finding.error(
              FindingReason.SLOT_LOST,
              "replication slot "
                  + name
                  + " on "
                  + r
                  + " is lost ("
                  + why
                  + "): the server removed WAL or catalog rows it still needed, so the connector"
                  + " can never resume from it, and Twinlog does not restart it. Re-seed this"
                  + " replica: SELECT pg_drop_replication_slot('"
                  + name
                  + "') on "
                  + r
                  + ", then let the connector create a new slot and take a new snapshot; to"
                  + " keep it from happening again, raise max_slot_wal_keep_size (now "
                  + keepText
                  + ") above the WAL of the longest outage"));
      return findings;
    }
    String retained = slot.retainedBytes() == null ? "?" : bytes(slot.retainedBytes());
    String reader =
        slot.active() ? "the connector streams from it but is behind" : "nothing reads from it now";
    if ("unreserved".equals(slot.walStatus())) {
      findings.add(
          Finding.warning(
              FindingReason.SLOT_AT_RISK,
              "replication slot "
                  + name
                  + " on "
                  + r
                  + " holds "
                  + retained
                  + " of WAL, more than max_slot_wal_keep_size="
                  + keepText
                  + " (wal_status=unreserved), and "
                  + reader
                  + ": the next checkpoint may remove WAL it needs and lose it; get its"
                  + " connector running, or ALTER SYSTEM SET max_slot_wal_keep_size to more"
                  + " and SELECT pg_reload_conf()"));
    } else if (slot.safeWalSize() != null
        && keep != null
        && keep > 0
        && slot.safeWalSize() < keep / AT_RISK_DIVISOR) {
      findings.add(
          Finding.warning(
              FindingReason.SLOT_AT_RISK,
              "replication slot "
                  + name
                  + " on "
                  + r
                  + " can fall only "
                  + bytes(Math.max(0, slot.safeWalSize()))
                  + " further behind before PostgreSQL invalidates it (it holds "
                  + retained
                  + " of WAL, max_slot_wal_keep_size="
                  + keepText
                  + "), and "
                  + reader
                  + ": get its connector reading, or ALTER SYSTEM SET max_slot_wal_keep_size to"
                  + " more and SELECT pg_reload_conf()"));
    }
    return findings;
  }

  /** {@code orders} is {@code public.orders}, as PostgreSQL resolves an unqualified name. */
  static String qualified(String table) {
    return table.contains(".") ? table : "public." + table;
  }

  private static String forTables(PostgresCheckRequest request) {
    return request.tables().isEmpty()
        ? " FOR TABLE ..."
        : " FOR TABLE " + String.join(", ", request.tables());
  }

  private static String identities(List<TableFacts> tables) {
    return String.join(
        "/",
        tables.stream()
            .map(t -> "n".equals(t.replicaIdentity()) ? "NOTHING" : "DEFAULT")
            .distinct()
            .toList());
  }

  /** Sizes as {@code pg_size_pretty} writes them: {@code 512 bytes}, {@code 16 MB}. */
  public static String bytes(long bytes) {
    String[] units = {"bytes", "kB", "MB", "GB", "TB"};
    double value = bytes;
    int unit = 0;
    while (Math.abs(value) >= 10 * 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%d %s", Math.round(value), units[unit]);
  }
}
