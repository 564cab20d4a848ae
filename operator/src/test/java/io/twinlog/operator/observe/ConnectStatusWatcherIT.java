package io.twinlog.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Connect status watcher against a real Connect worker running the Debezium connector the
 * operator renders, on a real replica: it reads RUNNING, tells the owner when the task fails (the
 * replica killed, the task restarted while it is down, which Connect never retries), knows a
 * connector Connect has not created yet, and reports a REST API it cannot reach.
 */
class ConnectStatusWatcherIT {
  private static RealSources sources;
  private static ConnectStatusWatcher watcher;
  private static final Set<String> told = ConcurrentHashMap.newKeySet();

  @BeforeAll
  static void start() {
    sources = RealSources.start(1, "20s");
    sources.startConnector(0);
    watcher = new ConnectStatusWatcher(Clock.systemUTC(), Duration.ofMillis(500), 2);
    watcher.onChange(told::add);
  }

  @AfterAll
  static void stop() {
    watcher.close();
    sources.close();
  }

  private static String state(ConnectReading reading, String part) {
    Map<?, ?> status = reading.status();
    if ("connector".equals(part)) {
      return String.valueOf(((Map<?, ?>) status.get("connector")).get("state"));
    }
    return String.valueOf(((Map<?, ?>) ((List<?>) status.get("tasks")).get(0)).get("state"));
  }

  @Test
  void readsRunningThenAFailedTaskAndTellsTheOwner() {
    String url = sources.restUri().toString();
    String name = sources.connectorName(0);
    watcher.watch("shop/orders", url, List.of(name, "shop-orders-not-created-yet"));

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                watcher
                        .reading(url, name)
                        .map(r -> r.exists() && "RUNNING".equals(state(r, "task")))
                        .orElse(false)
                    // the two requests of a sweep answer in any order: wait for both
                    && watcher.reading(url, "shop-orders-not-created-yet").isPresent());
    assertThat(watcher.reading(url, "shop-orders-not-created-yet"))
        .hasValueSatisfying(r -> assertThat(r.exists()).isFalse());
    assertThat(watcher.lastError(url)).isEmpty();
    assertThat(told).contains("shop/orders");

    told.clear();
    sources.db().replica(0).kill();
    sources.rest().restartTask(name, 0);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                watcher
                    .reading(url, name)
                    .map(r -> "FAILED".equals(state(r, "task")))
                    .orElse(false));
    assertThat(told).contains("shop/orders");
    assertThat(state(watcher.reading(url, name).orElseThrow(), "connector"))
        .as("Connect keeps the connector instance RUNNING")
        .isEqualTo("RUNNING");
  }

  @Test
  void anUnreachableRestApiIsReportedAndItsOwnerTold() {
    String url = "http://127.0.0.1:1";
    watcher.watch("elsewhere/p", url, List.of("c"));
    await().atMost(Duration.ofSeconds(20)).until(() -> watcher.lastError(url).isPresent());
    assertThat(watcher.reading(url, "c")).isEmpty();
    assertThat(told).contains("elsewhere/p");
    watcher.forget("elsewhere/p");
  }
}
