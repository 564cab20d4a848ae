package io.twinlog.contracts;

/**
 * The dedup runtime's configuration contract: environment variables the operator writes into the
 * runtime's ConfigMap and the runtime reads at start-up.
 *
 * <p>Every value is a plain string. Durations are whole milliseconds so neither side needs a
 * duration parser. Any variable starting with {@link #KAFKA_PASSTHROUGH_PREFIX} is handed to the
 * Kafka clients with the prefix removed, lower-cased and underscores turned into dots (for example
 * {@code TWINLOG_KAFKA_SECURITY_PROTOCOL=SSL} becomes {@code security.protocol=SSL}).
 */
public final class DedupRuntimeEnv {
  private DedupRuntimeEnv() {}

  /** Kafka bootstrap servers, {@code host:port[,host:port]}. Required. */
  public static final String BOOTSTRAP_SERVERS = "TWINLOG_BOOTSTRAP_SERVERS";

  /** Kafka Streams application id; also the consumer group and the prefix of internal topics. */
  public static final String APPLICATION_ID = "TWINLOG_APPLICATION_ID";

  /**
   * Comma-separated {@code name=topicPrefix} pairs, one per source (1 to 5; one source gives no
   * high availability but the same change ids and replay handling), in the order of the spec's
   * replicas; {@code topicPrefix} is the Debezium connector's {@code topic.prefix}.
   */
  public static final String SOURCES = "TWINLOG_SOURCES";

  /** Comma-separated {@code database.table} names to deduplicate. Either this or the pattern. */
  public static final String TABLES = "TWINLOG_TABLES";

  /** A Java regular expression over {@code database.table}; used when {@link #TABLES} is empty. */
  public static final String TABLE_PATTERN = "TWINLOG_TABLE_PATTERN";

  /** Output topic for a table is {@code <prefix>.<database>.<table>}. Required. */
  public static final String OUTPUT_TOPIC_PREFIX = "TWINLOG_OUTPUT_TOPIC_PREFIX";

  /** Topic for records the runtime cannot process, with the error in headers. Required. */
  public static final String DEAD_LETTER_TOPIC = "TWINLOG_DEAD_LETTER_TOPIC";

  /**
   * Topic the runtime writes {@link DedupAnomalyRecord}s to (inside its exactly-once transactions)
   * when it has to distrust a source. Optional: when unset, the runtime writes none.
   */
  public static final String ANOMALY_TOPIC = "TWINLOG_ANOMALY_TOPIC";

  /** How long a change is remembered, in milliseconds. Default 48 h. */
  public static final String WINDOW_MS = "TWINLOG_DEDUP_WINDOW_MS";

  /**
   * How long, in milliseconds of wall-clock time, the runtime holds a source's changes when that
   * source resumed inside a transaction and what it re-sends fits more than one place of what the
   * output holds, waiting for another source to tell which; after that it decides alone (taking the
   * resume that re-sends least, so nothing is lost) and reports it. Default 5 minutes.
   */
  public static final String ALIGN_HOLD_MS = "TWINLOG_DEDUP_ALIGN_HOLD_MS";

  /**
   * The instance's stable name (the pod's name, through the downward API): Kafka Streams' {@code
   * group.instance.id}, i.e. static membership. A container that crashed and came back in the same
   * pod takes its partitions back at once, with no rebalance and no wait for its old session to
   * time out. Optional: unset, the instance is a dynamic member. Not in the ConfigMap (one value
   * per pod).
   */
  public static final String INSTANCE_ID = "TWINLOG_DEDUP_INSTANCE_ID";

  /** Kafka Streams state directory. Default {@code /var/lib/twinlog/state}. */
  public static final String STATE_DIR = "TWINLOG_STATE_DIR";

  /** HTTP port serving {@code /metrics}, {@code /livez} and {@code /readyz}. Default 8080. */
  public static final String METRICS_PORT = "TWINLOG_METRICS_PORT";

  /** Kafka Streams processing guarantee. Default {@code exactly_once_v2}. */
  public static final String PROCESSING_GUARANTEE = "TWINLOG_PROCESSING_GUARANTEE";

  /** Number of Kafka Streams threads per instance. Default 1. */
  public static final String STREAM_THREADS = "TWINLOG_STREAM_THREADS";

  /** Optional path of a properties file read before the environment (environment wins). */
  public static final String CONFIG_FILE = "TWINLOG_CONFIG_FILE";

  /** Prefix of variables passed through to the Kafka clients (security settings and the like). */
  public static final String KAFKA_PASSTHROUGH_PREFIX = "TWINLOG_KAFKA_";

  /** Default for {@link #METRICS_PORT}. */
  public static final int DEFAULT_METRICS_PORT = 8080;

  /** Default for {@link #ALIGN_HOLD_MS}: 5 minutes. */
  public static final long DEFAULT_ALIGN_HOLD_MS = 5L * 60 * 1000;

  /** Default for {@link #WINDOW_MS}: 48 hours. */
  public static final long DEFAULT_WINDOW_MS = 48L * 60 * 60 * 1000;
}
