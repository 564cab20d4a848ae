package io.twinlog.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.twinlog.testkit.ConnectRest.ConnectRestException;
import io.twinlog.testkit.ConnectRest.ConnectorOffset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedConnectIT {

  private static EmbeddedKafka kafka;
  private static EmbeddedConnect connect;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.start();
    connect = EmbeddedConnect.start(kafka);
  }

  @AfterAll
  static void stop() {
    if (connect != null) {
      connect.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void sinkConnectorReadsTopicWithSecretResolvedConfig() throws Exception {
    kafka.createTopic("lines", 1);
    Path out = tmp.resolve("out.txt");
    // The file name reaches the connector only through the secrets provider, as credentials do.
    connect.putSecret("shop", "sink", "file", out.toString());
    ConnectRest rest = connect.rest();
    assertThat(rest.connectorPlugins())
        .contains("org.apache.kafka.connect.file.FileStreamSinkConnector");

    rest.createConnector(
        "file-sink",
        Map.of(
            "connector.class", "org.apache.kafka.connect.file.FileStreamSinkConnector",
            "tasks.max", "1",
            "topics", "lines",
            "file", "${secrets:shop/sink:file}"));
    await()
        .ignoreExceptionsInstanceOf(ConnectRestException.class)
        .atMost(Duration.ofSeconds(30))
        .until(() -> rest.status("file-sink").isRunning());
    assertThat(rest.config("file-sink")).containsEntry("file", "${secrets:shop/sink:file}");
    assertThat(rest.list()).contains("file-sink");

    try (KafkaProducer<String, String> producer = kafka.stringProducer()) {
      producer.send(new ProducerRecord<>("lines", "\"one\"")).get();
      producer.send(new ProducerRecord<>("lines", "\"two\"")).get();
    }
    await()
        .ignoreExceptionsInstanceOf(ConnectRestException.class)
        .atMost(Duration.ofSeconds(30))
        .until(() -> Files.exists(out) && Files.readAllLines(out).size() == 2);
    assertThat(Files.readAllLines(out)).containsExactly("one", "two");

    // Offsets of a sink are its consumer group's; moving them back replays the topic.
    await()
        .ignoreExceptionsInstanceOf(ConnectRestException.class)
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                rest.offsets("file-sink").stream()
                    .anyMatch(o -> Integer.valueOf(2).equals(o.offset().get("kafka_offset"))));
    rest.stop("file-sink");
    await()
        .ignoreExceptionsInstanceOf(ConnectRestException.class)
        .atMost(Duration.ofSeconds(30))
        .until(() -> "STOPPED".equals(rest.status("file-sink").state()));
    String message =
        rest.alterOffsets(
            "file-sink",
            List.of(
                new ConnectorOffset(
                    Map.of("kafka_topic", "lines", "kafka_partition", 0),
                    Map.of("kafka_offset", 1))));
    assertThat(message).contains("altered successfully");
    rest.resume("file-sink");
    await()
        .ignoreExceptionsInstanceOf(ConnectRestException.class)
        .atMost(Duration.ofSeconds(30))
        .until(() -> Files.readAllLines(out).size() == 3);
    assertThat(Files.readAllLines(out)).containsExactly("one", "two", "two");

    rest.restart("file-sink", true, false);
    await()
        .ignoreExceptionsInstanceOf(ConnectRestException.class)
        .atMost(Duration.ofSeconds(30))
        .until(() -> rest.status("file-sink").isRunning());
    rest.delete("file-sink");
    assertThat(rest.exists("file-sink")).isFalse();
    assertThatThrownBy(() -> rest.status("no-such-connector"))
        .isInstanceOfSatisfying(
            ConnectRestException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
  }

  @Test
  void connectorCreatedStoppedRunsNoTasksUntilResumed() {
    kafka.createTopic("idle", 1);
    ConnectRest rest = connect.rest();
    rest.createConnectorStopped(
        "stopped-sink",
        Map.of(
            "connector.class", "org.apache.kafka.connect.file.FileStreamSinkConnector",
            "topics", "idle",
            "file", tmp.resolve("idle.txt").toString()));
    await()
        .ignoreExceptionsInstanceOf(ConnectRestException.class)
        .atMost(Duration.ofSeconds(30))
        .until(() -> "STOPPED".equals(rest.status("stopped-sink").state()));
    assertThat(rest.status("stopped-sink").tasks()).isEmpty();

    rest.resume("stopped-sink");
    await()
        .ignoreExceptionsInstanceOf(ConnectRestException.class)
        .atMost(Duration.ofSeconds(30))
        .until(() -> rest.status("stopped-sink").isRunning());
    rest.pause("stopped-sink");
    await()
        .ignoreExceptionsInstanceOf(ConnectRestException.class)
        .atMost(Duration.ofSeconds(30))
        .until(() -> "PAUSED".equals(rest.status("stopped-sink").state()));
    rest.delete("stopped-sink");
  }
}
