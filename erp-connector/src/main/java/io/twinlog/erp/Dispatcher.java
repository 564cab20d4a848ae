package io.twinlog.erp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.apache.kafka.connect.errors.RetriableException;

/**
 * Sends a put's records to the ERP: several requests at once, but never two for one key, and a
 * key's next record only after the previous one is acknowledged or dead-lettered.
 *
 * <p>It never sleeps: a record that must wait for its backoff stays pending and {@link #deliver}
 * returns how long to wait, which the task hands to Connect ({@code context.timeout} plus a {@code
 * RetriableException}) so the consumer keeps polling while the batch waits.
 */
final class Dispatcher {

  /** Settings that shape dispatching. */
  record Settings(
      int maxInFlight,
      int batchMaxRecords,
      int batchMaxBytes,
      int maxAttempts,
      Backoff backoff,
      long timeoutMs,
      long yieldAfterMs) {}

  private record Completion(List<Pending> batch, ErpHttpClient.Response response) {}

  private final ErpHttpClient http;
  private final Settings settings;
  private final DeadLetters deadLetters;
  private final ErpSinkMetrics metrics;
  private final LongSupplier clockMs;
  private final DoubleSupplier random;

  Dispatcher(
      ErpHttpClient http,
      Settings settings,
      DeadLetters deadLetters,
      ErpSinkMetrics metrics,
      LongSupplier clockMs,
      DoubleSupplier random) {
    this.http = http;
    this.settings = settings;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
    this.clockMs = clockMs;
    this.random = random;
  }

  /**
   * Delivers what it can of {@code records} (in arrival order); returns 0 when every one is done
   * (acknowledged or dead-lettered), else the milliseconds until the next one may be sent.
   */
  long deliver(List<Pending> records) {
    Map<String, Deque<Pending>> queues = new LinkedHashMap<>();
    for (Pending pending : records) {
      if (!pending.done) {
        queues.computeIfAbsent(pending.orderKey, k -> new ArrayDeque<>()).add(pending);
      }
    }
    long start = clockMs.getAsLong();
    Deque<String> ready = new ArrayDeque<>();
    queues.forEach(
        (key, queue) -> {
          if (queue.peek().nextAttemptAtMs <= start) {
            ready.add(key);
          }
        });
    LinkedBlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
    int inFlight = 0;
    boolean dispatching = true;
    while (true) {
      while (dispatching && inFlight < settings.maxInFlight() && !ready.isEmpty()) {
        List<Pending> batch = takeBatch(ready, queues);
        send(batch, completions);
        inFlight++;
      }
      if (inFlight == 0) {
        break;
      }
      Completion completion = await(completions);
      inFlight--;
      metrics.inFlightRequests.decrementAndGet();
      if (!handle(completion, queues, ready)) {
        // The ERP as a whole is unavailable or throttling: send nothing new until the backoff.
        dispatching = false;
      }
      if (clockMs.getAsLong() - start > settings.yieldAfterMs()) {
        // Give the worker its thread back now and then, even while everything succeeds.
        dispatching = false;
      }
    }
    long now = clockMs.getAsLong();
    long wait = Long.MAX_VALUE;
    for (Deque<Pending> queue : queues.values()) {
      if (!queue.isEmpty()) {
        wait = Math.min(wait, Math.max(1, queue.peek().nextAttemptAtMs - now));
      }
    }
    return wait == Long.MAX_VALUE ? 0 : wait;
  }

  private List<Pending> takeBatch(Deque<String> ready, Map<String, Deque<Pending>> queues) {
    List<Pending> batch = new ArrayList<>();
    long bytes = 2;
    while (!ready.isEmpty() && batch.size() < settings.batchMaxRecords()) {
      Pending head = queues.get(ready.peek()).peek();
      boolean fits = bytes + head.body.length + 1 <= settings.batchMaxBytes();
      if (!batch.isEmpty() && (head.solo || !fits)) {
        break;
      }
      ready.poll();
      batch.add(head);
      bytes += head.body.length + 1;
      if (head.solo) {
        break;
      }
    }
    return batch;
  }

  private void send(List<Pending> batch, LinkedBlockingQueue<Completion> completions) {
    List<String> keys = new ArrayList<>(batch.size());
    for (Pending pending : batch) {
      pending.attempts++;
      keys.add(pending.idempotencyKey);
    }
    byte[] body = settings.batchMaxRecords() == 1 ? batch.get(0).body : array(batch);
    metrics.requests.incrementAndGet();
    metrics.inFlightRequests.incrementAndGet();
    http.send(IdempotencyKeys.ofBatch(keys), body)
        .thenAccept(response -> completions.add(new Completion(batch, response)));
  }

  private static byte[] array(List<Pending> batch) {
    int size = 1 + batch.size();
    for (Pending pending : batch) {
      size += pending.body.length;
    }
    byte[] out = new byte[size];
    int at = 0;
    out[at++] = '[';
    for (int i = 0; i < batch.size(); i++) {
      if (i > 0) {
        out[at++] = ',';
      }
      byte[] body = batch.get(i).body;
      System.arraycopy(body, 0, out, at, body.length);
      at += body.length;
    }
    out[at] = ']';
    return out;
  }

  private Completion await(LinkedBlockingQueue<Completion> completions) {
    try {
      // The client's own timeout answers first; this bound only guards against a lost callback.
      Completion completion =
          completions.poll(settings.timeoutMs() + 30_000, TimeUnit.MILLISECONDS);
      if (completion == null) {
        throw new IllegalStateException("no answer from the HTTP client past its timeout");
      }
      return completion;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetriableException("interrupted while waiting for the ERP", e);
    }
  }

  /** Applies a response to its records; false when the ERP asked everyone to back off. */
  private boolean handle(
      Completion completion, Map<String, Deque<Pending>> queues, Deque<String> ready) {
    ErpHttpClient.Response response = completion.response();
    metrics.latency.record(TimeUnit.NANOSECONDS.toMillis(response.latencyNanos()));
    Outcome outcome = response.outcome();
    if (outcome != Outcome.ACKNOWLEDGED) {
      metrics.requestsFailed.incrementAndGet();
    }
    long now = clockMs.getAsLong();
    boolean split = outcome == Outcome.PERMANENT && completion.batch().size() > 1;
    for (Pending pending : completion.batch()) {
      pending.lastStatus = response.status();
      pending.lastResponse = response.body();
      pending.lastError = response.error();
      switch (outcome) {
        case ACKNOWLEDGED -> {
          metrics.sent.incrementAndGet();
          Long timestamp = pending.record.timestamp();
          if (timestamp != null && timestamp >= 0) {
            metrics.endToEnd.record(Math.max(0, now - timestamp));
          }
          finish(pending, queues, ready, now);
        }
        case RETRY -> {
          if (pending.attempts >= settings.maxAttempts()) {
            deadLetter(pending, "retry budget exhausted", queues, ready, now);
          } else {
            metrics.retried.incrementAndGet();
            pending.nextAttemptAtMs =
                now + settings.backoff().delayMs(pending.attempts, response.retryAfterMs(), random);
          }
        }
        case PERMANENT -> {
          if (split) {
            // Which record of the batch is bad is unknown: resend each alone, uncounted.
            pending.solo = true;
            pending.attempts--;
            ready.addFirst(pending.orderKey);
          } else {
            deadLetter(pending, "refused by the ERP", queues, ready, now);
          }
        }
      }
    }
    int status = response.status();
    return outcome != Outcome.RETRY || (status != 429 && status != 503 && status != -1);
  }

  private void deadLetter(
      Pending pending,
      String reason,
      Map<String, Deque<Pending>> queues,
      Deque<String> ready,
      long now) {
    deadLetters.report(pending, reason);
    metrics.deadLettered.incrementAndGet();
    finish(pending, queues, ready, now);
  }

  private static void finish(
      Pending pending, Map<String, Deque<Pending>> queues, Deque<String> ready, long now) {
    pending.done = true;
    Deque<Pending> queue = queues.get(pending.orderKey);
    queue.poll();
    Pending next = queue.peek();
    if (next != null && next.nextAttemptAtMs <= now) {
      ready.add(pending.orderKey);
    }
  }
}
