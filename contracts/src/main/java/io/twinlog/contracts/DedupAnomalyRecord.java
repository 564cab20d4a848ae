package io.twinlog.contracts;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * One record on the dedup runtime's anomaly topic ({@link DedupRuntimeEnv#ANOMALY_TOPIC}): a source
 * the runtime had to distrust, written inside the runtime's exactly-once transactions (so readers
 * use {@code isolation.level=read_committed}) and read by the operator to report the source.
 *
 * <p>Key: UTF-8 {@code <source>|<kind>} ({@link #key()}). Value: a UTF-8 JSON object, for example
 * {@code {"source":"replica-b","kind":"source-skipped","message":"...","gtids":["0-1-5","0-1-9"],
 * "atMs":1767225600000}} ({@link #toJson()}). Readers ignore fields they do not know, so fields can
 * be added; kinds they do not know are reported under a generic reason. The dedup runtime's README
 * is where each kind is explained; the notes on the constants here are one-line summaries.
 *
 * @param source the source (replica) name, as in {@link DedupRuntimeEnv#SOURCES}
 * @param kind what happened, one of the {@code KIND_*} constants (lower-case, dash-separated)
 * @param message one line for a human, saying what the runtime saw and what it did
 * @param gtids the GTIDs involved (for example the step a source made), possibly empty
 * @param atMs when the runtime saw it, epoch milliseconds
 */
public record DedupAnomalyRecord(
    String source, String kind, String message, List<String> gtids, long atMs) {

  /** Separator between source and kind in the record key. */
  public static final String KEY_SEPARATOR = "|";

  /** JSON field names of the value. */
  public static final String FIELD_SOURCE = "source";

  public static final String FIELD_KIND = "kind";
  public static final String FIELD_MESSAGE = "message";
  public static final String FIELD_GTIDS = "gtids";
  public static final String FIELD_AT_MS = "atMs";

  /**
   * A source stepped over changes another source delivered (re-seeded ahead, or it stopped inside a
   * transaction and went on after it).
   */
  public static final String KIND_SOURCE_SKIPPED = "source-skipped";

  /**
   * Two sources hold different histories (two transactions under one GTID, or different content at
   * the same place of one transaction).
   */
  public static final String KIND_SOURCE_DIVERGED = "source-diverged";

  /**
   * A source resumed inside a transaction and what it re-sent fits more than one place of the
   * output.
   */
  public static final String KIND_RESUME_UNALIGNED = "resume-unaligned";

  /** A change arrived after a later change of its key was emitted (dead-lettered, not emitted). */
  public static final String KIND_KEY_ORDER_CONFLICT = "key-order-conflict";

  /** A source's GTID sequence jumped (a gap within one domain). */
  public static final String KIND_GTID_JUMP = "gtid-jump";

  /**
   * A source's binlog position went backwards to changes never emitted (binlog reset, rebuilt
   * replica).
   */
  public static final String KIND_POSITION_REGRESSED = "position-regressed";

  /** Sequence numbers in a GTID domain went backwards within one source (no strict mode). */
  public static final String KIND_GTID_NOT_MONOTONIC = "gtid-not-monotonic";

  /** A change without GTID arrived after its twin may have left the dedup window. */
  public static final String KIND_BEYOND_WINDOW = "beyond-window";

  /** A source's commit time fell behind the leading source by more than the window. */
  public static final String KIND_LAG_BEYOND_WINDOW = "lag-beyond-window";

  /** A second source sent snapshot rows for keys another source already snapshotted. */
  public static final String KIND_SECOND_SNAPSHOT = "second-snapshot";

  /** A source delivered a change older than the snapshot already emitted for its key. */
  public static final String KIND_OLDER_THAN_SNAPSHOT = "older-than-snapshot";

  /** Every kind the runtime emits today, in no particular order. */
  public static final List<String> KINDS =
      List.of(
          KIND_SOURCE_SKIPPED,
          KIND_SOURCE_DIVERGED,
          KIND_RESUME_UNALIGNED,
          KIND_KEY_ORDER_CONFLICT,
          KIND_GTID_JUMP,
          KIND_POSITION_REGRESSED,
          KIND_GTID_NOT_MONOTONIC,
          KIND_BEYOND_WINDOW,
          KIND_LAG_BEYOND_WINDOW,
          KIND_SECOND_SNAPSHOT,
          KIND_OLDER_THAN_SNAPSHOT);

  public DedupAnomalyRecord {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(kind, "kind");
    message = message == null ? "" : message;
    gtids = gtids == null ? List.of() : List.copyOf(gtids);
  }

  /** The record key, {@code <source>|<kind>}, so compaction keeps the last of each. */
  public String key() {
    return source + KEY_SEPARATOR + kind;
  }

  /** {@link #key()} as UTF-8 bytes. */
  public byte[] keyBytes() {
    return key().getBytes(StandardCharsets.UTF_8);
  }

  /** The record value as a JSON object; no JSON library needed on the writing side. */
  public String toJson() {
    StringBuilder json = new StringBuilder(96 + message.length());
    json.append('{');
    field(json, FIELD_SOURCE).append(quoted(source)).append(',');
    field(json, FIELD_KIND).append(quoted(kind)).append(',');
    field(json, FIELD_MESSAGE).append(quoted(message)).append(',');
    field(json, FIELD_GTIDS).append('[');
    for (int i = 0; i < gtids.size(); i++) {
      json.append(i == 0 ? "" : ",").append(quoted(gtids.get(i)));
    }
    json.append("],");
    field(json, FIELD_AT_MS).append(atMs);
    return json.append('}').toString();
  }

  /** {@link #toJson()} as UTF-8 bytes. */
  public byte[] valueBytes() {
    return toJson().getBytes(StandardCharsets.UTF_8);
  }

  private static StringBuilder field(StringBuilder json, String name) {
    return json.append('"').append(name).append("\":");
  }

  private static String quoted(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
