package io.twinlog.operator.source;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs source preflight checks on its own bounded thread pool; {@link #check} never blocks.
 *
 * <p>Each check has JDBC connect and read timeouts and an overall deadline ({@code connectTimeout +
 * 2 x readTimeout}, from when it starts running) after which its future completes with a {@code
 * SourceTimeout} finding, so a hung database holds one pool thread for a bounded time and never
 * delays checks of others. Two identical requests in flight share one check. Futures complete on
 * the checker's threads.
 */
public final class SourceChecker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SourceChecker.class);

  /** Default number of checks that run at the same time. */
  public static final int DEFAULT_THREADS = 4;

  private final ThreadPoolExecutor executor;
  private final SourceProbe probe;
  private final Clock clock;
  private final Map<SourceCheckRequest, CompletableFuture<SourceCheckResult>> inFlight =
      new ConcurrentHashMap<>();

  /** A checker with {@link #DEFAULT_THREADS} threads and the system clock. */
  public SourceChecker() {
    this(DEFAULT_THREADS, Clock.systemUTC());
  }

  /** A checker running at most {@code threads} checks at once; {@code clock} stamps results. */
  public SourceChecker(int threads, Clock clock) {
    this.clock = clock;
    this.probe = new SourceProbe(clock);
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(1024),
            daemonThreads());
    executor.allowCoreThreadTimeOut(true);
  }

  /** Starts a check of one replica; the future never completes exceptionally. */
  public CompletableFuture<SourceCheckResult> check(SourceCheckRequest request) {
    CompletableFuture<SourceCheckResult> existing = inFlight.get(request);
    if (existing != null) {
      return existing;
    }
    CompletableFuture<SourceCheckResult> future = new CompletableFuture<>();
    CompletableFuture<SourceCheckResult> raced = inFlight.putIfAbsent(request, future);
    if (raced != null) {
      return raced;
    }
    future.whenComplete((r, e) -> inFlight.remove(request, future));
    Duration deadline = deadline(request);
    try {
      executor.execute(
          () -> {
            if (future.isDone()) {
              return;
            }
            // The deadline runs from the start of the check, not from its submission: waiting
            // for a free thread behind other checks says nothing about this replica.
            CompletableFuture.delayedExecutor(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .execute(() -> future.complete(timedOut(request, deadline)));
            LOG.debug("checking source {}", request);
            try {
              future.complete(probe.check(request));
            } catch (RuntimeException | Error e) {
              future.complete(failed(request, e));
            }
          });
    } catch (RejectedExecutionException e) {
      future.complete(notChecked(request));
    }
    return future;
  }

  /** Checks every request; the future completes when all have, in request order. */
  public CompletableFuture<List<SourceCheckResult>> checkAll(List<SourceCheckRequest> requests) {
    List<CompletableFuture<SourceCheckResult>> futures =
        requests.stream().map(this::check).toList();
    return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .thenApply(v -> futures.stream().map(CompletableFuture::join).toList());
  }

  static Duration deadline(SourceCheckRequest request) {
    return request.connectTimeout().plus(request.readTimeout().multipliedBy(2));
  }

  private SourceCheckResult timedOut(SourceCheckRequest request, Duration deadline) {
    return new SourceCheckResult(
        request.replicaName(),
        clock.instant(),
        List.of(FailureFindings.deadlineExceeded(request, deadline)),
        null);
  }

  /** The queue of waiting checks is full: say so, instead of blaming the replica. */
  private SourceCheckResult notChecked(SourceCheckRequest request) {
    return new SourceCheckResult(
        request.replicaName(),
        clock.instant(),
        List.of(
            Finding.error(
                FindingReason.CHECK_FAILED,
                request.replicaName()
                    + " was not checked yet: "
                    + executor.getQueue().size()
                    + " source checks are waiting for the operator's "
                    + executor.getMaximumPoolSize()
                    + " check threads; it is checked at a later reconciliation")),
        null);
  }

  private SourceCheckResult failed(SourceCheckRequest request, Throwable e) {
    return new SourceCheckResult(
        request.replicaName(), clock.instant(), List.of(FailureFindings.of(request, e)), null);
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "twinlog-source-check-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Stops the pool; checks in progress end at their socket timeouts. */
  @Override
  public void close() {
    executor.shutdownNow();
  }
}
