package io.twinlog.webhook.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Something built from mounted files, built again when their content changes. Kubernetes updates a
 * Secret's files by swapping a symlink, so all of them change at once; a reader that catches a
 * half-written set, or material that does not build, keeps the last good value and tries again at
 * the next check. Checked at most every {@code checkEvery}, when {@link #current()} is called.
 * Thread-safe.
 *
 * @param <T> what the files make
 */
final class WatchedFiles<T> {
  private static final Logger LOG = LoggerFactory.getLogger(WatchedFiles.class);

  /** One build: what it made, its generation (1, 2, ...) and the bytes it was made from. */
  record Loaded<T>(T value, int generation, List<byte[]> contents) {}

  private final String what;
  private final List<Path> files;
  private final Function<List<byte[]>, T> build;
  private final Clock clock;
  private final long checkEveryMs;
  private volatile Loaded<T> current;
  private volatile Loaded<T> previous;
  private volatile long checkedMs;

  /**
   * Reads and builds now.
   *
   * @param build throws {@link IllegalArgumentException} saying what is wrong (never what the files
   *     hold)
   * @throws IllegalArgumentException when a file cannot be read or the material does not build
   */
  WatchedFiles(
      String what,
      List<Path> files,
      Function<List<byte[]>, T> build,
      Duration checkEvery,
      Clock clock) {
    this.what = what;
    this.files = List.copyOf(files);
    this.build = build;
    this.clock = clock;
    this.checkEveryMs = checkEvery.toMillis();
    List<byte[]> contents = read();
    this.current = new Loaded<>(build.apply(contents), 1, contents);
    this.checkedMs = clock.millis();
  }

  /** The newest good build, after looking at the files if the check interval has passed. */
  Loaded<T> current() {
    if (clock.millis() - checkedMs >= checkEveryMs) {
      refresh();
    }
    return current;
  }

  /** The build of that generation, if it is the current or the one before. */
  Loaded<T> generation(int generation) {
    Loaded<T> now = current;
    if (now.generation() == generation) {
      return now;
    }
    Loaded<T> before = previous;
    return before != null && before.generation() == generation ? before : null;
  }

  private synchronized void refresh() {
    long now = clock.millis();
    if (now - checkedMs < checkEveryMs) {
      return; // another thread just did
    }
    checkedMs = now;
    Loaded<T> seen = current;
    try {
      List<byte[]> contents = read();
      if (sameContents(contents, seen.contents())) {
        return;
      }
      Loaded<T> next = new Loaded<>(build.apply(contents), seen.generation() + 1, contents);
      previous = seen;
      current = next;
      LOG.info("{} changed ({}); new connections use it", what, files);
    } catch (IllegalArgumentException e) {
      LOG.warn(
          "{} changed but is not usable yet, keeping the previous one: {}", what, e.getMessage());
    }
  }

  private List<byte[]> read() {
    List<byte[]> contents = new ArrayList<>(files.size());
    for (Path file : files) {
      try {
        contents.add(Files.readAllBytes(file));
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + file + ": " + e);
      }
    }
    return contents;
  }

  private static boolean sameContents(List<byte[]> a, List<byte[]> b) {
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }
}
