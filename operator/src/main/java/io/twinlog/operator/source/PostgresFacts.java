package io.twinlog.operator.source;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a check read from one PostgreSQL server; fields are null where it was not read.
 *
 * @param serverVersionNum {@code server_version_num}, e.g. 170006
 * @param inRecovery {@code pg_is_in_recovery()}: true on a standby
 * @param replicationSlots slots that exist on the server, of any kind
 * @param walSenders WAL senders running now ({@code pg_stat_replication}), physical and logical
 * @param replicationRole the CDC user's {@code rolreplication}
 * @param superuser the CDC user's {@code rolsuper}, which implies replication
 * @param hotStandbyFeedback {@code hot_standby_feedback}; matters only on a standby
 * @param primarySlotName {@code primary_slot_name}, empty when the standby streams without a slot
 * @param maxSlotWalKeepSizeBytes {@code max_slot_wal_keep_size} in bytes; -1 means no limit
 * @param publicationExists whether the request's publication exists in the captured database
 * @param publishedTables the publication's tables as {@code schema.table}
 * @param tables the captured tables as the catalog describes them, in request order
 * @param slot the pipeline's slot; null when it does not exist (or was not read)
 */
public record PostgresFacts(
    Integer serverVersionNum,
    String version,
    Boolean inRecovery,
    String walLevel,
    Integer maxReplicationSlots,
    Integer maxWalSenders,
    Integer replicationSlots,
    Integer walSenders,
    Boolean replicationRole,
    Boolean superuser,
    Boolean hotStandbyFeedback,
    String primarySlotName,
    Long maxSlotWalKeepSizeBytes,
    Boolean publicationExists,
    Boolean publicationAllTables,
    Set<String> publishedTables,
    List<TableFacts> tables,
    SlotFacts slot) {

  public PostgresFacts {
    publishedTables = publishedTables == null ? null : Set.copyOf(publishedTables);
    tables = tables == null ? List.of() : List.copyOf(tables);
  }

  /** Bytes of WAL the pipeline's slot holds back; empty when it has no slot (yet). */
  public Optional<Long> retainedWalBytes() {
    return Optional.ofNullable(slot).map(SlotFacts::retainedBytes);
  }

  /** The slot's {@code wal_status} (reserved, extended, unreserved, lost); empty without one. */
  public Optional<String> walStatus() {
    return Optional.ofNullable(slot).map(SlotFacts::walStatus);
  }

  /**
   * One captured table.
   *
   * @param name {@code schema.table} as the spec names it
   * @param exists false when the database has no such table
   * @param replicaIdentity {@code relreplident}: d(efault), n(othing), f(ull) or i(ndex)
   * @param primaryKey whether the table has a primary key
   */
  public record TableFacts(
      String name, boolean exists, String replicaIdentity, boolean primaryKey) {

    /** Whether an update or delete carries the row's key to the decoder. */
    public boolean identifiesRows() {
      return switch (replicaIdentity == null ? "" : replicaIdentity) {
        case "f", "i" -> true;
        case "d" -> primaryKey;
        default -> false;
      };
    }
  }

  /**
   * The pipeline's replication slot as {@code pg_replication_slots} shows it.
   *
   * @param walStatus reserved, extended, unreserved or lost (PostgreSQL 13+)
   * @param safeWalSize bytes of WAL that may still be written before the slot is lost; null when
   *     {@code max_slot_wal_keep_size} is unlimited or the slot is already lost
   * @param retainedBytes WAL between the slot's {@code restart_lsn} and the server's current
   *     (standby: last received) position: what the slot keeps on disk
   * @param conflicting PostgreSQL 16+: invalidated by a recovery conflict (on a standby)
   * @param invalidationReason PostgreSQL 17+: wal_removed, rows_removed, wal_level_insufficient
   */
  public record SlotFacts(
      String name,
      String slotType,
      String plugin,
      String database,
      boolean active,
      String walStatus,
      Long safeWalSize,
      String restartLsn,
      String confirmedFlushLsn,
      Long retainedBytes,
      Boolean conflicting,
      String invalidationReason) {

    /** True when PostgreSQL invalidated the slot: nothing can resume from it. */
    public boolean lost() {
      return "lost".equals(walStatus)
          || Boolean.TRUE.equals(conflicting)
          || (invalidationReason != null && !invalidationReason.isEmpty());
    }
  }

  /** A builder, since the probe reads the facts in several queries. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these facts. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.serverVersionNum = serverVersionNum;
    b.version = version;
    b.inRecovery = inRecovery;
    b.walLevel = walLevel;
    b.maxReplicationSlots = maxReplicationSlots;
    b.maxWalSenders = maxWalSenders;
    b.replicationSlots = replicationSlots;
    b.walSenders = walSenders;
    b.replicationRole = replicationRole;
    b.superuser = superuser;
    b.hotStandbyFeedback = hotStandbyFeedback;
    b.primarySlotName = primarySlotName;
    b.maxSlotWalKeepSizeBytes = maxSlotWalKeepSizeBytes;
    b.publicationExists = publicationExists;
    b.publicationAllTables = publicationAllTables;
    b.publishedTables = publishedTables;
    b.tables = tables;
    b.slot = slot;
    return b;
  }

  /** Collects facts; unset ones stay null. */
  public static final class Builder {
    private Integer serverVersionNum;
    private String version;
    private Boolean inRecovery;
    private String walLevel;
    private Integer maxReplicationSlots;
    private Integer maxWalSenders;
    private Integer replicationSlots;
    private Integer walSenders;
    private Boolean replicationRole;
    private Boolean superuser;
    private Boolean hotStandbyFeedback;
    private String primarySlotName;
    private Long maxSlotWalKeepSizeBytes;
    private Boolean publicationExists;
    private Boolean publicationAllTables;
    private Set<String> publishedTables;
    private List<TableFacts> tables;
    private SlotFacts slot;

    private Builder() {}

    public Builder server(Integer versionNum, String version, Boolean inRecovery) {
      this.serverVersionNum = versionNum;
      this.version = version;
      this.inRecovery = inRecovery;
      return this;
    }

    public Builder walLevel(String walLevel) {
      this.walLevel = walLevel;
      return this;
    }

    public Builder capacity(
        Integer maxReplicationSlots,
        Integer replicationSlots,
        Integer maxWalSenders,
        Integer walSenders) {
      this.maxReplicationSlots = maxReplicationSlots;
      this.replicationSlots = replicationSlots;
      this.maxWalSenders = maxWalSenders;
      this.walSenders = walSenders;
      return this;
    }

    public Builder role(Boolean replicationRole, Boolean superuser) {
      this.replicationRole = replicationRole;
      this.superuser = superuser;
      return this;
    }

    public Builder standby(Boolean hotStandbyFeedback, String primarySlotName) {
      this.hotStandbyFeedback = hotStandbyFeedback;
      this.primarySlotName = primarySlotName;
      return this;
    }

    public Builder maxSlotWalKeepSizeBytes(Long bytes) {
      this.maxSlotWalKeepSizeBytes = bytes;
      return this;
    }

    public Builder publication(Boolean exists, Boolean allTables, Set<String> tables) {
      this.publicationExists = exists;
      this.publicationAllTables = allTables;
      this.publishedTables = tables;
      return this;
    }

    public Builder tables(List<TableFacts> tables) {
      this.tables = tables;
      return this;
    }

    public Builder slot(SlotFacts slot) {
      this.slot = slot;
      return this;
    }

    public PostgresFacts build() {
      return new PostgresFacts(
          serverVersionNum,
          version,
          inRecovery,
          walLevel,
          maxReplicationSlots,
          maxWalSenders,
          replicationSlots,
          walSenders,
          replicationRole,
          superuser,
          hotStandbyFeedback,
          primarySlotName,
          maxSlotWalKeepSizeBytes,
          publicationExists,
          publicationAllTables,
          publishedTables,
          tables,
          slot);
    }
  }
}
