package io.twinlog.operator.health;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Decides which sources of one pipeline are stalled, as a pure function of when each last showed
 * progress (a Debezium heartbeat or change event), the time now and {@code stallAfter}.
 *
 * <p>A source is stalled when it has been silent for longer than {@code stallAfter} while another
 * source of the same pipeline progressed within {@code stallAfter}. The peer rule is what keeps a
 * quiet database, a Kafka outage or a slow heartbeat reader from flagging every source at once:
 * silence is only suspicious when a sibling reading the same primary's changes is not silent. A
 * source never seen is not judged (a new connector may still be snapshotting). A restart does not
 * end a stall (only a heartbeat does); {@link RestartPolicy} keeps one stall from being restarted
 * again before the restarted task had {@code stallAfter} to resume.
 *
 * @param stallAfter how long a source may be silent while a sibling progresses
 */
public record StallDetector(Duration stallAfter) {

  public StallDetector {
    if (stallAfter == null || stallAfter.isNegative() || stallAfter.isZero()) {
      throw new IllegalArgumentException("stallAfter must be positive: " + stallAfter);
    }
  }

  /**
   * What is known of one source.
   *
   * @param source the replica name
   * @param lastProgress the latest heartbeat or change event seen, or null when none was seen
   */
  public record Progress(String source, Instant lastProgress) {}

  /**
   * One stalled source.
   *
   * @param source the replica name
   * @param lastProgress its latest heartbeat or change event
   * @param peer the sibling that progressed most recently, proof that changes still flow
   * @param peerProgress when that sibling last progressed
   */
  public record Stall(String source, Instant lastProgress, String peer, Instant peerProgress) {

    /** One line for status and Events. */
    public String describe(Duration stallAfter) {
      return "no heartbeat or change event since "
          + lastProgress
          + " (longer than restartPolicy.stallAfter "
          + stallAfter
          + ") while "
          + peer
          + " delivered at "
          + peerProgress
          + "; Connect still reports it RUNNING";
    }
  }

  /** The stalled sources, in input order. */
  public List<Stall> stalled(List<Progress> sources, Instant now) {
    List<Stall> stalls = new ArrayList<>();
    for (Progress candidate : sources) {
      Instant silentSince = candidate.lastProgress();
      if (silentSince == null || !silentLongerThanLimit(silentSince, now)) {
        continue;
      }
      freshestPeer(sources, candidate.source(), now)
          .ifPresent(
              peer ->
                  stalls.add(
                      new Stall(
                          candidate.source(),
                          candidate.lastProgress(),
                          peer.source(),
                          peer.lastProgress())));
    }
    return stalls;
  }

  /**
   * The next instant a source that is not stalled now could become stalled (one second after its
   * silence reaches {@code stallAfter}), for rescheduling the reconciliation; empty when no source
   * was seen.
   */
  public Optional<Instant> nextCheckAt(List<Progress> sources, Instant now) {
    return sources.stream()
        .map(Progress::lastProgress)
        .filter(s -> s != null)
        .map(s -> s.plus(stallAfter).plusSeconds(1))
        .filter(deadline -> deadline.isAfter(now))
        .min(Comparator.naturalOrder());
  }

  private boolean silentLongerThanLimit(Instant silentSince, Instant now) {
    return Duration.between(silentSince, now).compareTo(stallAfter) > 0;
  }

  private Optional<Progress> freshestPeer(List<Progress> sources, String self, Instant now) {
    return sources.stream()
        .filter(p -> !p.source().equals(self) && p.lastProgress() != null)
        .filter(p -> !silentLongerThanLimit(p.lastProgress(), now))
        .max(Comparator.comparing(Progress::lastProgress));
  }
}
