package io.twinlog.webhook.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secrets a request may be signed with: the current one and, for a grace period after a
 * rotation, the previous one. A mounted Secret changes in place when it is updated (Kubernetes
 * swaps a symlink), so the file is looked at again every {@code checkEvery}; the previous secret
 * stays valid for {@code previousValidFor}, so the ERP can switch at its own pace. Thread-safe.
 */
public final class SecretSource {
  private static final Logger LOG = LoggerFactory.getLogger(SecretSource.class);

  private final Path file;
  private final Clock clock;
  private final long checkEveryMs;
  private final long previousValidForMs;
  private volatile State state;

  private record State(
      Secret current, Secret previous, long previousUntilMs, FileTime modified, long checkedMs) {
    List<Secret> valid(long nowMs) {
      return previous != null && nowMs < previousUntilMs
          ? List.of(current, previous)
          : List.of(current);
    }
  }

  private SecretSource(
      Path file, Secret secret, FileTime modified, Clock clock, long checkEveryMs, long graceMs) {
    this.file = file;
    this.clock = clock;
    this.checkEveryMs = checkEveryMs;
    this.previousValidForMs = graceMs;
    this.state = new State(secret, null, 0, modified, clock.millis());
  }

  /** A secret that never changes (given as a variable). */
  public static SecretSource fixed(Secret secret) {
    return new SecretSource(null, secret, null, Clock.systemUTC(), Long.MAX_VALUE, 0);
  }

  /** A mounted Secret file, read now and again after it changes. */
  public static SecretSource file(
      Path file, Duration checkEvery, Duration previousValidFor, Clock clock) {
    return new SecretSource(
        file,
        Secret.fromFile(file),
        modified(file),
        clock,
        checkEvery.toMillis(),
        previousValidFor.toMillis());
  }

  /** The secrets valid now, the current one first. */
  public List<Secret> valid() {
    long now = clock.millis();
    State seen = state;
    if (file != null && now - seen.checkedMs() >= checkEveryMs) {
      seen = refresh(seen, now);
    }
    return seen.valid(now);
  }

  private synchronized State refresh(State seen, long now) {
    if (state != seen) {
      return state; // another request refreshed meanwhile
    }
    State next =
        new State(seen.current(), seen.previous(), seen.previousUntilMs(), seen.modified(), now);
    try {
      FileTime modified = modified(file);
      if (!modified.equals(seen.modified())) {
        Secret read = Secret.fromFile(file);
        next = new State(read, seen.current(), now + previousValidForMs, modified, now);
        LOG.info(
            "webhook secret {} changed; the previous one stays valid for {} ms",
            file,
            previousValidForMs);
      }
    } catch (RuntimeException e) {
      // Mid-rotation or unreadable for a moment: keep what works, try again at the next check.
      LOG.warn("cannot re-read the webhook secret {}: {}", file, e.getMessage());
    }
    state = next;
    return next;
  }

  private static FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      throw new org.apache.kafka.common.config.ConfigException(
          "cannot read the webhook secret file " + file + ": " + e);
    }
  }
}
