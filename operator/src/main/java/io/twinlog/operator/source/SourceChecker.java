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
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs source preflight checks on its own bounded thread pool; {@link #check} never blocks.
 *
 * <p>Each check has JDBC connect and read timeouts and an overall deadline ({@code connectTimeout +
 * 2 x readTimeout}, from when it starts running) after which its future completes with a {@code
 * SourceTimeout} finding, so a hung database holds one pool thread for a bounded time and never
 * delays checks of others. Two identical requests in flight share one check. Futures complete on
 * the checker's threads. MySQL/MariaDB ({@link SourceCheckRequest}) and PostgreSQL ({@link
 * PostgresCheckRequest}) checks, and dropping PostgreSQL slots, share the pool.
 */
public final class SourceChecker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SourceChecker.class);

  /** Default number of checks that run at the same time. */
  public static final int DEFAULT_THREADS = 4;

  private final ThreadPoolExecutor executor;
  private final SourceProbe probe;
  private final PostgresProbe postgresProbe;
  private final ReplicationSlots slots = new ReplicationSlots();
  private final Clock clock;
  private final Map<Object, CompletableFuture<SourceCheckResult>> inFlight =
      new ConcurrentHashMap<>();
  private final Map<PostgresCheckRequest, CompletableFuture<SlotDropResult>> dropsInFlight =
      new ConcurrentHashMap<>();

  /** A checker with {@link #DEFAULT_THREADS} threads and the system clock. */
  public SourceChecker() {
    this(DEFAULT_THREADS, Clock.systemUTC());
  }

  /** A checker running at most {@code threads} checks at once; {@code clock} stamps results. */
  public SourceChecker(int threads, Clock clock) {
    this.clock = clock;
    this.probe = new SourceProbe(clock);
    this.postgresProbe = new PostgresProbe(clock);
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
    return submit(
        inFlight,
        request,
        deadline(request),
        () -> probe.check(request),
        () -> timedOut(request, deadline(request)),
        e -> failed(request.replicaName(), FailureFindings.of(request, e)),
        () -> notChecked(request.replicaName()));
  }

  /** Starts a check of one PostgreSQL server; the future never completes exceptionally. */
  public CompletableFuture<SourceCheckResult> check(PostgresCheckRequest request) {
    return submit(
        inFlight,
        request,
        deadline(request),
        () -> postgresProbe.check(request),
        () -> timedOut(request, deadline(request)),
        e -> failed(request.replicaName(), FailureFindings.of(request, e)),
        () -> notChecked(request.replicaName()));
  }

  /**
   * Drops the request's slot on its server (see {@link ReplicationSlots}), with the same deadline
   * as a check; the future never completes exceptionally.
   */
  public CompletableFuture<SlotDropResult> dropSlot(PostgresCheckRequest request) {
    Duration deadline = deadline(request);
    return submit(
        dropsInFlight,
        request,
        deadline,
        () -> slots.drop(request),
        () ->
            new SlotDropResult(
                request.replicaName(),
                request.slotName(),
                SlotDropResult.Outcome.FAILED,
                FindingReason.TIMEOUT,
                "dropping replication slot "
                    + request.slotName()
                    + " on "
                    + request.replicaName()
                    + " did not finish within "
                    + SourceRules.human(deadline)
                    + "; whether it was dropped is unknown, retried later"),
        e ->
            new SlotDropResult(
                request.replicaName(),
                request.slotName(),
                SlotDropResult.Outcome.FAILED,
                FindingReason.CHECK_FAILED,
                "dropping replication slot "
                    + request.slotName()
                    + " on "
                    + request.replicaName()
                    + " failed: "
                    + FailureFindings.detail(e)),
        () ->
            new SlotDropResult(
                request.replicaName(),
                request.slotName(),
                SlotDropResult.Outcome.FAILED,
                FindingReason.CHECK_FAILED,
                "replication slot "
                    + request.slotName()
                    + " on "
                    + request.replicaName()
                    + " was not dropped yet: the operator's source check threads are busy;"
                    + " retried later"));
  }

  /**
   * Runs {@code work} on the pool once per distinct {@code key} in flight; the future completes
   * with its result, or {@code onDeadline} once {@code deadline} passed since it started, or {@code
   * onFailure}, or {@code onRejected} when the queue is full.
   */
  private <K, R> CompletableFuture<R> submit(
      Map<K, CompletableFuture<R>> running,
      K key,
      Duration deadline,
      Supplier<R> work,
      Supplier<R> onDeadline,
      Function<Throwable, R> onFailure,
      Supplier<R> onRejected) {
    CompletableFuture<R> existing = running.get(key);
    if (existing != null) {
      return existing;
    }
    CompletableFuture<R> future = new CompletableFuture<>();
    CompletableFuture<R> raced = running.putIfAbsent(key, future);
    if (raced != null) {
      return raced;
    }
    future.whenComplete((r, e) -> running.remove(key, future));
    try {
      executor.execute(
          () -> {
            if (future.isDone()) {
              return;
            }
            // The deadline runs from the start of the check, not from its submission: waiting
            // for a free thread behind other checks says nothing about this replica.
            CompletableFuture.delayedExecutor(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .execute(() -> future.complete(onDeadline.get()));
            LOG.debug("checking source {}", key);
            try {
              future.complete(work.get());
            } catch (RuntimeException | Error e) {
              future.complete(onFailure.apply(e));
            }
          });
    } catch (RejectedExecutionException e) {
      future.complete(onRejected.get());
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

  static Duration deadline(CheckTarget request) {
    return request.connectTimeout().plus(request.readTimeout().multipliedBy(2));
  }

  private SourceCheckResult timedOut(CheckTarget request, Duration deadline) {
    return new SourceCheckResult(
        request.replicaName(),
        clock.instant(),
        List.of(FailureFindings.deadlineExceeded(request, deadline)),
        null);
  }

  /** The queue of waiting checks is full: say so, instead of blaming the replica. */
  private SourceCheckResult notChecked(String replica) {
    return new SourceCheckResult(
        replica,
        clock.instant(),
        List.of(
            Finding.error(
                FindingReason.CHECK_FAILED,
                replica
                    + " was not checked yet: "
                    + executor.getQueue().size()
                    + " source checks are waiting for the operator's "
                    + executor.getMaximumPoolSize()
                    + " check threads; it is checked at a later reconciliation")),
        null);
  }

  private SourceCheckResult failed(String replica, Finding finding) {
    return new SourceCheckResult(replica, clock.instant(), List.of(finding), null);
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
