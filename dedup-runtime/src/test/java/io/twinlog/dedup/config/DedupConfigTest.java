package io.twinlog.dedup.config;

import static io.twinlog.contracts.DedupRuntimeEnv.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DedupConfigTest {
  static Map<String, String> minimal() {
    Map<String, String> env = new HashMap<>();
    env.put(BOOTSTRAP_SERVERS, "kafka:9092");
    env.put(SOURCES, "replica-a=orders-a, replica-b=orders-b");
    env.put(TABLES, "shop.orders,shop.items");
    env.put(OUTPUT_TOPIC_PREFIX, "orders-dedup");
    env.put(DEAD_LETTER_TOPIC, "orders-dedup.dead-letters");
    return env;
  }

  @Test
  void minimalEnvironmentGetsTheDocumentedDefaults() {
    DedupConfig config = DedupConfig.fromEnv(minimal());
    assertThat(config.sources())
        .containsExactly(
            new SourceSpec("replica-a", "orders-a"), new SourceSpec("replica-b", "orders-b"));
    assertThat(config.tables()).containsExactly("shop.orders", "shop.items");
    assertThat(config.windowMs()).isEqualTo(48L * 3600 * 1000);
    assertThat(config.metricsPort()).isEqualTo(8080);
    assertThat(config.stateDir()).isEqualTo("/var/lib/twinlog/state");
    assertThat(config.applicationId()).isEqualTo("twinlog-dedup");
    Properties props = config.streamsProperties();
    assertThat(props.getProperty("processing.guarantee")).isEqualTo("exactly_once_v2");
    assertThat(props.get("num.stream.threads")).isEqualTo(1);
    // latency defaults (docs/benchmarks.md), each overridable through TWINLOG_KAFKA_*
    assertThat(props.getProperty("commit.interval.ms")).isEqualTo("50");
    assertThat(props.getProperty("poll.ms")).isEqualTo("20");
    assertThat(props.getProperty("linger.ms")).isEqualTo("5");
    assertThat(new StreamsConfig(props).getProducerConfigs("c")).containsEntry("linger.ms", "5");
  }

  @Test
  void kafkaPassThroughVariablesBecomeClientProperties() {
    Map<String, String> env = minimal();
    env.put("TWINLOG_KAFKA_SECURITY_PROTOCOL", "SSL");
    env.put("TWINLOG_KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/tls/ca.p12");
    Properties props = DedupConfig.fromEnv(env).streamsProperties();
    assertThat(props.getProperty("security.protocol")).isEqualTo("SSL");
    assertThat(props.getProperty("ssl.truststore.location")).isEqualTo("/etc/tls/ca.p12");
  }

  @Test
  void theInstanceIdMakesAStaticMemberWithAShortSession() {
    Properties dynamic = DedupConfig.fromEnv(minimal()).streamsProperties();
    assertThat(dynamic.getProperty("group.instance.id")).isNull();
    assertThat(dynamic.getProperty("session.timeout.ms")).isEqualTo("10000");

    Map<String, String> env = minimal();
    env.put(INSTANCE_ID, "shop-orders-dedup-7d9f8-x2x4q");
    Properties props = DedupConfig.fromEnv(env).streamsProperties();
    assertThat(props.getProperty("group.instance.id")).isEqualTo("shop-orders-dedup-7d9f8-x2x4q");

    env.put("TWINLOG_KAFKA_GROUP_INSTANCE_ID", "chosen");
    env.put("TWINLOG_KAFKA_SESSION_TIMEOUT_MS", "30000");
    Properties passedThrough = DedupConfig.fromEnv(env).streamsProperties();
    assertThat(passedThrough.getProperty("group.instance.id")).isEqualTo("chosen");
    assertThat(passedThrough.getProperty("session.timeout.ms")).isEqualTo("30000");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    Map<String, String> env = new HashMap<>();
    env.put(SOURCES, "a=cdc,b=cdc.x,broken");
    env.put(TABLES, "orders");
    env.put(TABLE_PATTERN, "shop\\..*");
    env.put(WINDOW_MS, "-5");
    env.put(METRICS_PORT, "http");
    env.put(PROCESSING_GUARANTEE, "exactly_once");
    assertThatThrownBy(() -> DedupConfig.fromEnv(env))
        .isInstanceOf(DedupConfigException.class)
        .satisfies(
            e ->
                assertThat(((DedupConfigException) e).problems())
                    .containsExactlyInAnyOrder(
                        "TWINLOG_BOOTSTRAP_SERVERS is required",
                        "TWINLOG_SOURCES: 'broken' is not name=topicPrefix",
                        "TWINLOG_SOURCES: topic prefixes 'cdc' and 'cdc.x' overlap, so a topic name would not say which source it came from",
                        "set either TWINLOG_TABLES or TWINLOG_TABLE_PATTERN, not both",
                        "TWINLOG_OUTPUT_TOPIC_PREFIX is required",
                        "TWINLOG_DEAD_LETTER_TOPIC is required",
                        "TWINLOG_DEDUP_WINDOW_MS must be between 1 and 9223372036854775807, got -5",
                        "TWINLOG_METRICS_PORT must be a whole number, got 'http'",
                        "TWINLOG_PROCESSING_GUARANTEE must be one of [exactly_once_v2, at_least_once], got exactly_once"));
  }

  @Test
  void aSingleSourceIsAccepted() {
    // One replica gives no high availability, but the runtime still stamps change ids and drops a
    // restarted connector's own replays, so a one-replica pipeline works the same way.
    Map<String, String> env = minimal();
    env.put(SOURCES, "only=cdc.only");
    assertThat(DedupConfig.fromEnv(env).sources()).hasSize(1);
  }

  @Test
  void sixSourcesAndBadTableNamesAreRefused() {
    Map<String, String> env = minimal();
    env.put(SOURCES, "a=p.a,b=p.b,c=p.c,d=p.d,e=p.e,only=cdc");
    env.put(TABLES, "orders, shop.items");
    env.put(OUTPUT_TOPIC_PREFIX, "cdc");
    assertThatThrownBy(() -> DedupConfig.fromEnv(env))
        .hasMessageContaining("TWINLOG_SOURCES must list 1 to 5 sources, got 6")
        .hasMessageContaining("TWINLOG_TABLES: 'orders' is not of the form database.table")
        .hasMessageContaining("TWINLOG_OUTPUT_TOPIC_PREFIX must differ from source only's prefix");
  }

  @Test
  void theEnvironmentOverridesTheConfigFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("dedup.properties");
    Files.writeString(file, "TWINLOG_DEDUP_WINDOW_MS=1000\nTWINLOG_STREAM_THREADS=3\n");
    Map<String, String> env = minimal();
    env.put(CONFIG_FILE, file.toString());
    env.put(STREAM_THREADS, "2");
    DedupConfig config = DedupConfig.fromEnv(env);
    assertThat(config.windowMs()).isEqualTo(1000);
    assertThat(config.streamThreads()).isEqualTo(2);
  }
}
