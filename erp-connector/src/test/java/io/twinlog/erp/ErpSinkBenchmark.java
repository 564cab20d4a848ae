package io.twinlog.erp;

import io.twinlog.contracts.ChangeHeaders;
import io.twinlog.contracts.ErpSinkConfigKeys;
import io.twinlog.testkit.EmbeddedConnect;
import io.twinlog.testkit.EmbeddedKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Records/s the sink delivers to a local HTTP server that answers at once, unbatched and batched,
 * next to a plain consumer posting the same records one by one with {@link HttpClient}. Not run by
 * the build; see docs/benchmarks.md for the command.
 */
public final class ErpSinkBenchmark {
  private static final String TOPIC = "bench.dedup.shop.orders";

  private ErpSinkBenchmark() {}

  /** Counts delivered records and the time between the first and the last one. */
  private static final class Meter {
    final AtomicInteger records = new AtomicInteger();
    final AtomicLong firstNanos = new AtomicLong();
    final AtomicLong lastNanos = new AtomicLong();

    void reset() {
      records.set(0);
      firstNanos.set(0);
      lastNanos.set(0);
    }

    ErpTestServer.Reply count(ErpTestServer.Request request) {
      long now = System.nanoTime();
      firstNanos.compareAndSet(0, now);
      records.addAndGet(request.elements().size());
      lastNanos.accumulateAndGet(now, Math::max);
      return ErpTestServer.Reply.ok();
    }

    double perSecond() {
      double seconds = (lastNanos.get() - firstNanos.get()) / 1e9;
      return records.get() / Math.max(seconds, 1e-9);
    }
  }

  public static void main(String[] args) throws Exception {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int keys = 2_000;
    Map<String, Double> results = new LinkedHashMap<>();
    try (EmbeddedKafka kafka = EmbeddedKafka.start();
        EmbeddedConnect connect = EmbeddedConnect.start(kafka);
        ErpTestServer server = new ErpTestServer()) {
      kafka.createTopic(TOPIC, 1);
      try (KafkaProducer<String, String> producer = kafka.stringProducer()) {
        DebeziumSamples.produce(producer, TOPIC, keys, records / keys);
      }
      Meter meter = new Meter();
      server.behave(meter::count);

      // Warm-up of the JIT, the HTTP server and the broker, not measured.
      plainPoster(kafka, server.url(), Math.min(records, 5_000), meter, "warmup");
      meter.reset();

      results.put("plain consumer + HttpClient, one request at a time", 0.0);
      plainPoster(kafka, server.url(), records, meter, "plain");
      results.put("plain consumer + HttpClient, one request at a time", meter.perSecond());

      String[][] variants = {
        {"sink unbatched, 1 request in flight", "1", "1"},
        {"sink unbatched, 8 requests in flight (default)", "1", "8"},
        {"sink batched 100, 8 requests in flight", "100", "8"},
        {"sink batched 500, 1 request in flight", "500", "1"},
      };
      int run = 0;
      for (String[] variant : variants) {
        meter.reset();
        String name = "bench-" + run++;
        Map<String, String> config = ErpSinkIT.sinkConfig(server.url(), TOPIC, "bench.dlq");
        config.put("tasks.max", "1");
        config.remove(ErpSinkConfigKeys.AUTH_TYPE);
        config.remove(ErpSinkConfigKeys.AUTH_TOKEN);
        config.put(ErpSinkConfigKeys.BATCH_MAX_RECORDS, variant[1]);
        config.put(ErpSinkConfigKeys.MAX_IN_FLIGHT_REQUESTS, variant[2]);
        connect.rest().createConnector(name, config);
        awaitCount(meter, records, variant[0]);
        connect.rest().delete(name);
        results.put(variant[0], meter.perSecond());
      }
    }
    double plain = results.values().iterator().next();
    System.out.printf(
        "%nERP sink benchmark: %d records, %d keys, %d cores, JDK %s%n",
        records, keys, Runtime.getRuntime().availableProcessors(), Runtime.version());
    results.forEach(
        (name, perSecond) ->
            System.out.printf(
                "  %-52s %8.0f records/s  (x%.2f of plain)%n", name, perSecond, perSecond / plain));
  }

  /** The floor: read, post the value, wait for the answer, next. */
  private static void plainPoster(
      EmbeddedKafka kafka, String url, int records, Meter meter, String group) throws Exception {
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30))
            .build();
    try (client;
        KafkaConsumer<String, String> consumer = kafka.stringConsumer("plain-" + group)) {
      consumer.subscribe(List.of(TOPIC));
      int sent = 0;
      while (sent < records) {
        List<ConsumerRecord<String, String>> batch = new ArrayList<>();
        consumer.poll(Duration.ofMillis(200)).forEach(batch::add);
        for (ConsumerRecord<String, String> record : batch) {
          if (sent >= records) {
            break;
          }
          String id =
              new String(
                  record.headers().lastHeader(ChangeHeaders.CHANGE_ID).value(),
                  StandardCharsets.UTF_8);
          HttpRequest request =
              HttpRequest.newBuilder(URI.create(url))
                  .timeout(Duration.ofSeconds(30))
                  .header("Content-Type", "application/json")
                  .header(ErpSinkConfigKeys.IDEMPOTENCY_HEADER, id)
                  .POST(HttpRequest.BodyPublishers.ofString(record.value()))
                  .build();
          HttpResponse<byte[]> response =
              client.send(request, HttpResponse.BodyHandlers.ofByteArray());
          if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("server answered " + response.statusCode());
          }
          sent++;
        }
        consumer.commitSync();
      }
    }
  }

  private static void awaitCount(Meter meter, int records, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (meter.records.get() < records) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(what + ": only " + meter.records.get() + " delivered");
      }
      TimeUnit.MILLISECONDS.sleep(50); // A benchmark polling its counter, not a test.
    }
  }
}
