package io.twinlog.webhook.dedup;

import static io.twinlog.contracts.WebhookReceiverEnv.BOOTSTRAP_SERVERS;
import static io.twinlog.contracts.WebhookReceiverEnv.DEDUP_APPLICATION_ID;
import static io.twinlog.contracts.WebhookReceiverEnv.DEDUP_OUTPUT_TOPIC;
import static io.twinlog.contracts.WebhookReceiverEnv.DEDUP_STATE_DIR;
import static io.twinlog.contracts.WebhookReceiverEnv.DEDUP_WINDOW_MS;
import static io.twinlog.contracts.WebhookReceiverEnv.DEFAULT_DEDUP_WINDOW_MS;
import static io.twinlog.contracts.WebhookReceiverEnv.DEFAULT_MANAGEMENT_PORT;
import static io.twinlog.contracts.WebhookReceiverEnv.KAFKA_PASSTHROUGH_PREFIX;
import static io.twinlog.contracts.WebhookReceiverEnv.MANAGEMENT_PORT;
import static io.twinlog.contracts.WebhookReceiverEnv.TOPIC;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The dedup step's configuration, from the same environment contract as the receiver ({@link
 * io.twinlog.contracts.WebhookReceiverEnv}): it reads the receiver's topic and writes the output.
 */
public final class DedupStepConfig extends AbstractConfig {
  public static final String DEFAULT_STATE_DIR = "/var/lib/twinlog/state";

  public static final ConfigDef CONFIG_DEF =
      new ConfigDef()
          .define(
              BOOTSTRAP_SERVERS,
              Type.STRING,
              ConfigDef.NO_DEFAULT_VALUE,
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              "Kafka bootstrap servers.")
          .define(
              TOPIC,
              Type.STRING,
              ConfigDef.NO_DEFAULT_VALUE,
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              "The receiver's topic: the dedup step's input.")
          .define(
              DEDUP_OUTPUT_TOPIC,
              Type.STRING,
              ConfigDef.NO_DEFAULT_VALUE,
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              "Topic each event id is written to once.")
          .define(
              DEDUP_WINDOW_MS,
              Type.LONG,
              DEFAULT_DEDUP_WINDOW_MS,
              Range.atLeast(1000),
              Importance.MEDIUM,
              "How long an event id is remembered, in ms.")
          .define(
              DEDUP_APPLICATION_ID,
              Type.STRING,
              "twinlog-webhook-dedup",
              new ConfigDef.NonEmptyString(),
              Importance.MEDIUM,
              "Kafka Streams application id.")
          .define(
              DEDUP_STATE_DIR,
              Type.STRING,
              DEFAULT_STATE_DIR,
              Importance.LOW,
              "Kafka Streams state directory.")
          .define(
              MANAGEMENT_PORT,
              Type.INT,
              DEFAULT_MANAGEMENT_PORT,
              Range.between(0, 65535),
              Importance.LOW,
              "Port of /metrics, /livez and /readyz.");

  private final Map<String, String> kafka = new LinkedHashMap<>();

  private DedupStepConfig(Map<String, String> env) {
    super(CONFIG_DEF, ours(env), false);
    env.forEach(
        (k, v) -> {
          if (k.startsWith(KAFKA_PASSTHROUGH_PREFIX)
              && k.length() > KAFKA_PASSTHROUGH_PREFIX.length()) {
            kafka.put(
                k.substring(KAFKA_PASSTHROUGH_PREFIX.length())
                    .toLowerCase(Locale.ROOT)
                    .replace('_', '.'),
                v);
          }
        });
    if (inputTopic().equals(outputTopic())) {
      throw new ConfigException(DEDUP_OUTPUT_TOPIC, outputTopic(), "must differ from " + TOPIC);
    }
  }

  public static DedupStepConfig fromEnv(Map<String, String> env) {
    return new DedupStepConfig(env);
  }

  private static Map<String, String> ours(Map<String, String> env) {
    Map<String, String> ours = new LinkedHashMap<>();
    env.forEach(
        (k, v) -> {
          if (CONFIG_DEF.names().contains(k)) {
            ours.put(k, v);
          }
        });
    return ours;
  }

  public String inputTopic() {
    return getString(TOPIC);
  }

  public String outputTopic() {
    return getString(DEDUP_OUTPUT_TOPIC);
  }

  public long windowMs() {
    return getLong(DEDUP_WINDOW_MS);
  }

  public String applicationId() {
    return getString(DEDUP_APPLICATION_ID);
  }

  public int managementPort() {
    return getInt(MANAGEMENT_PORT);
  }

  /**
   * Kafka Streams settings: exactly-once is not negotiable (it is what makes "each event id once"
   * hold across a crash); pass-through settings may tune the rest.
   */
  public Properties streamsProperties() {
    Properties props = new Properties();
    props.putAll(kafka);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, getString(BOOTSTRAP_SERVERS));
    props.put(StreamsConfig.STATE_DIR_CONFIG, getString(DEDUP_STATE_DIR));
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    return props;
  }
}
