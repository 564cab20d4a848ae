package io.twinlog.operator.source;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a check read from one replica; fields are null where the server did not say.
 *
 * @param retentionSeconds effective binlog expiry in seconds; 0 means binlogs never expire by age
 * @param binlogSizeLimitBytes MariaDB {@code max_binlog_total_size}: purge by size, 0 = none
 * @param gtidPosition MariaDB {@code gtid_binlog_pos}, MySQL {@code gtid_executed}
 * @param oldestGtidPosition the GTID state at the start of the oldest binlog still on disk (MariaDB
 *     {@code BINLOG_GTID_POS(oldest, 4)}, MySQL {@code gtid_purged}): a connector whose offset is
 *     older than this cannot resume
 * @param oldestBinlogAge age of the oldest binlog; SQL does not expose it, so usually null
 * @param replica true when the server replicates from another one, null when not allowed to see
 */
public record SourceFacts(
    Flavor flavor,
    String version,
    Long serverId,
    Boolean logBin,
    String binlogFormat,
    String binlogRowImage,
    Boolean logReplicaUpdates,
    Boolean gtidStrictMode,
    Long gtidDomainId,
    String gtidMode,
    String enforceGtidConsistency,
    String gtidPosition,
    Long retentionSeconds,
    Long binlogSizeLimitBytes,
    String oldestBinlogFile,
    Duration oldestBinlogAge,
    String oldestGtidPosition,
    Integer binlogFileCount,
    Boolean replica) {

  /** The retention as a duration; empty when unknown, {@link Duration#ZERO} when unlimited. */
  public Optional<Duration> retention() {
    return Optional.ofNullable(retentionSeconds).map(Duration::ofSeconds);
  }

  /** True when binlogs never expire by age. */
  public boolean retentionUnlimited() {
    return retentionSeconds != null && retentionSeconds == 0;
  }

  /** Reads the facts {@code SHOW GLOBAL VARIABLES} gives (names in any case). */
  public static SourceFacts fromVariables(Map<String, String> raw) {
    Map<String, String> v = new java.util.HashMap<>();
    raw.forEach((k, value) -> v.put(k.toLowerCase(Locale.ROOT), value));
    Flavor flavor = Flavor.fromVersion(v.get("version"));
    String replicaUpdates =
        v.containsKey("log_replica_updates")
            ? v.get("log_replica_updates")
            : v.get("log_slave_updates");
    String gtidPosition =
        flavor == Flavor.MARIADB ? v.get("gtid_binlog_pos") : v.get("gtid_executed");
    return new SourceFacts(
        flavor,
        v.get("version"),
        toLong(v.get("server_id")),
        toBool(v.get("log_bin")),
        upper(v.get("binlog_format")),
        upper(v.get("binlog_row_image")),
        toBool(replicaUpdates),
        flavor == Flavor.MARIADB ? toBool(v.get("gtid_strict_mode")) : null,
        flavor == Flavor.MARIADB ? toLong(v.get("gtid_domain_id")) : null,
        flavor == Flavor.MYSQL ? upper(v.get("gtid_mode")) : null,
        flavor == Flavor.MYSQL ? upper(v.get("enforce_gtid_consistency")) : null,
        gtidPosition == null ? null : gtidPosition.replace("\n", ""),
        retentionSeconds(v),
        flavor == Flavor.MARIADB ? sizeLimit(v) : null,
        null,
        null,
        flavor == Flavor.MYSQL ? v.get("gtid_purged") : null,
        null,
        null);
  }

  /** The same facts with what {@code SHOW BINARY LOGS} and replica status added. */
  public SourceFacts withBinlogs(
      String oldestFile, Integer fileCount, String oldestGtid, Boolean isReplica) {
    return new SourceFacts(
        flavor,
        version,
        serverId,
        logBin,
        binlogFormat,
        binlogRowImage,
        logReplicaUpdates,
        gtidStrictMode,
        gtidDomainId,
        gtidMode,
        enforceGtidConsistency,
        gtidPosition,
        retentionSeconds,
        binlogSizeLimitBytes,
        oldestFile,
        oldestBinlogAge,
        oldestGtid != null ? oldestGtid : oldestGtidPosition,
        fileCount,
        isReplica);
  }

  /**
   * Effective expiry: {@code binlog_expire_logs_seconds} wins when set, else {@code
   * expire_logs_days}; both 0 (or MySQL's auto purge off) means never.
   */
  static Long retentionSeconds(Map<String, String> v) {
    if ("OFF".equalsIgnoreCase(v.get("binlog_expire_logs_auto_purge"))) {
      return 0L;
    }
    Long seconds = toLong(v.get("binlog_expire_logs_seconds"));
    BigDecimal days = toDecimal(v.get("expire_logs_days"));
    if (seconds == null && days == null) {
      return null;
    }
    if (seconds != null && seconds > 0) {
      return seconds;
    }
    if (days != null && days.signum() > 0) {
      return days.multiply(BigDecimal.valueOf(86_400))
          .setScale(0, java.math.RoundingMode.HALF_UP)
          .longValue();
    }
    return 0L;
  }

  private static Long sizeLimit(Map<String, String> v) {
    Long limit = toLong(v.get("max_binlog_total_size"));
    return limit != null ? limit : toLong(v.get("binlog_space_limit"));
  }

  private static Boolean toBool(String value) {
    if (value == null) {
      return null;
    }
    return switch (value.trim().toUpperCase(Locale.ROOT)) {
      case "ON", "1", "TRUE", "YES" -> true;
      case "OFF", "0", "FALSE", "NO" -> false;
      default -> null;
    };
  }

  private static Long toLong(String value) {
    BigDecimal d = toDecimal(value);
    return d == null ? null : d.longValue();
  }

  private static BigDecimal toDecimal(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return new BigDecimal(value.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String upper(String value) {
    return value == null ? null : value.trim().toUpperCase(Locale.ROOT);
  }
}
