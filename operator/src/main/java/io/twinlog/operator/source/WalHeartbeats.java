package io.twinlog.operator.source;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each PostgreSQL pipeline's {@link WalHeartbeat} every heartbeat interval on a small pool of
 * its own (a hung primary must not delay the source checks), one beat at a time per pipeline. It
 * keeps each pipeline's {@link Status} in memory and calls the pipeline's {@code onChange} when
 * what the status would say changes (the heartbeat found its primary, moved to another, or has
 * failed long enough to be reported), so a reconciliation shows it without polling.
 */
public final class WalHeartbeats implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WalHeartbeats.class);

  /** Threads that write heartbeats at the same time. */
  public static final int DEFAULT_THREADS = 2;

  /**
   * After a failed beat the next comes this late at the soonest: a primary that does not answer
   * holds a thread for the target's timeouts, per server asked.
   */
  static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(15);

  /**
   * A failure is reported once beats have failed this long (or three intervals, if longer): a
   * primary restarting, or a failover, passes without a condition.
   */
  static final Duration REPORT_AFTER = Duration.ofSeconds(30);

  /**
   * One pipeline's heartbeat as the last beat left it.
   *
   * @param every the interval between beats
   * @param last the last beat's outcome; null before the first
   * @param lastWrittenAt when a beat last wrote; null if none has
   * @param failingSince when the beats started failing; null while they write
   */
  public record Status(
      Duration every, WalHeartbeat.Outcome last, Instant lastWrittenAt, Instant failingSince) {

    /** Before the first beat. */
    public static Status initial(Duration every) {
      return new Status(every, null, null, null);
    }

    /** The status after {@code outcome}. */
    public Status next(WalHeartbeat.Outcome outcome) {
      return outcome.written()
          ? new Status(every, outcome, outcome.at(), null)
          : new Status(
              every, outcome, lastWrittenAt, failingSince == null ? outcome.at() : failingSince);
    }

    /** How long beats fail before it is reported: {@link #REPORT_AFTER} or three intervals. */
    public Duration reportAfter() {
      Duration three = every.multipliedBy(3);
      return three.compareTo(REPORT_AFTER) > 0 ? three : REPORT_AFTER;
    }

    /** The failure to report at {@code now}: the last beat's, once beats failed long enough. */
    public Optional<Finding> reported(Instant now) {
      if (failingSince == null || last == null || last.failure() == null) {
        return Optional.empty();
      }
      return now.isBefore(failingSince.plus(reportAfter()))
          ? Optional.empty()
          : Optional.of(last.failure());
    }

    /** Where and how often the heartbeat is written, while it is; else null. */
    public String note() {
      if (last == null || !last.written()) {
        return null;
      }
      return "Twinlog writes a WAL heartbeat on the primary "
          + last.primary().label()
          + " every "
          + interval(every)
          + ".";
    }

    /** What a status shows at {@code now}: the failure reported, else the note. */
    String shown(Instant now) {
      return reported(now).map(Finding::message).orElseGet(this::note);
    }
  }

  private final ScheduledThreadPoolExecutor executor;
  private final Clock clock;
  private final Map<Object, Beat> beats = new ConcurrentHashMap<>();

  public WalHeartbeats(int threads, Clock clock) {
    this.clock = clock;
    AtomicInteger n = new AtomicInteger();
    this.executor =
        new ScheduledThreadPoolExecutor(
            threads,
            r -> {
              Thread t = new Thread(r, "twinlog-wal-heartbeat-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    executor.setRemoveOnCancelPolicy(true);
  }

  /**
   * Beats for {@code key} every {@code every} to {@code target} from now on (the first beat at
   * once); a call with the same target and interval changes nothing, another replaces the running
   * one. Returns the current status.
   */
  public synchronized Status run(
      Object key, WalHeartbeatTarget target, Duration every, Runnable onChange) {
    Beat running = beats.get(key);
    if (running != null && running.target.equals(target) && running.every.equals(every)) {
      return running.status;
    }
    if (running != null) {
      running.stop();
    }
    Beat beat = new Beat(key, target, every, onChange);
    beats.put(key, beat);
    beat.schedule(Duration.ZERO);
    return beat.status;
  }

  /** The status of {@code key}'s heartbeat; null when none runs. */
  public Status status(Object key) {
    Beat beat = beats.get(key);
    return beat == null ? null : beat.status;
  }

  /** Stops {@code key}'s heartbeat and closes its connection; nothing when none runs. */
  public synchronized void stop(Object key) {
    Beat beat = beats.remove(key);
    if (beat != null) {
      beat.stop();
    }
  }

  /** Stops every heartbeat. */
  @Override
  public synchronized void close() {
    beats.values().forEach(Beat::stop);
    beats.clear();
    executor.shutdown();
  }

  private final class Beat implements Runnable {
    private final Object key;
    private final WalHeartbeatTarget target;
    private final Duration every;
    private final Runnable onChange;
    private final WalHeartbeat writer;
    // Held for a whole beat (up to the target's timeouts), so never by stop(): that runs on the
    // reconcile thread.
    private final Object writing = new Object();
    private volatile Status status;
    private volatile boolean stopped;
    private String shown;
    private ScheduledFuture<?> next;

    Beat(Object key, WalHeartbeatTarget target, Duration every, Runnable onChange) {
      this.key = key;
      this.target = target;
      this.every = every;
      this.onChange = onChange;
      this.writer = new WalHeartbeat(target, clock);
      this.status = Status.initial(every);
    }

    @Override
    public void run() {
      WalHeartbeat.Outcome outcome;
      synchronized (writing) {
        if (stopped) {
          return;
        }
        outcome = writer.beat();
      }
      Status before = status;
      status = before.next(outcome);
      boolean first = before.last() == null;
      boolean wasWritten = !first && before.last().written();
      if (outcome.written()
          && (!wasWritten || !outcome.primary().equals(before.last().primary()))) {
        LOG.info(
            "{}: WAL heartbeat written on {} every {}",
            key,
            outcome.primary().label(),
            interval(every));
      } else if (!outcome.written() && (first || wasWritten)) {
        LOG.warn("{}: WAL heartbeat not written: {}", key, outcome.failure().message());
      }
      String now = status.shown(clock.instant());
      if (!Objects.equals(now, shown)) {
        shown = now;
        try {
          onChange.run();
        } catch (RuntimeException e) {
          LOG.warn("{}: could not signal a WAL heartbeat change", key, e);
        }
      }
      schedule(outcome.written() ? every : max(every, RETRY_AFTER_FAILURE));
    }

    synchronized void schedule(Duration delay) {
      if (stopped) {
        return;
      }
      try {
        next = executor.schedule(this, delay.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        // The pool is shutting down with the operator.
      }
    }

    void stop() {
      synchronized (this) {
        stopped = true;
        if (next != null) {
          next.cancel(false);
        }
      }
      // A beat in progress holds the writer until its timeouts: close it on the pool, not here.
      Runnable closing =
          () -> {
            synchronized (writing) {
              writer.close();
            }
          };
      try {
        executor.execute(closing);
      } catch (RejectedExecutionException e) {
        writer.close();
      }
    }
  }

  /** {@code 10s}, or {@code 2500ms} for an interval of no whole seconds. */
  static String interval(Duration every) {
    return every.toMillis() % 1000 == 0 ? SourceRules.human(every) : every.toMillis() + "ms";
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
