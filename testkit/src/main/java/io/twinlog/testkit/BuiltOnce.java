package io.twinlog.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A directory built once per machine (unpacked server binaries, a template data directory): built
 * under a file lock into a temporary folder and moved into place with a completion marker, so other
 * JVMs wait on the lock and reuse the finished result, and a build cut short is never taken for
 * one.
 */
final class BuiltOnce {
  private static final String MARKER = ".complete";

  private BuiltOnce() {}

  /** Builds into the folder it is given. */
  interface Producer {
    void produce(Path target) throws IOException, InterruptedException;
  }

  /** {@code dir/name}, built by {@code producer} unless another JVM already built it. */
  static Path underFileLock(Path dir, String name, Producer producer) {
    return underFileLock(dir, name, false, producer);
  }

  /**
   * As {@link #underFileLock(Path, String, Producer)}; {@code traversable} opens {@code dir} to
   * other users (a server running as another account must reach what it holds).
   */
  static Path underFileLock(Path dir, String name, boolean traversable, Producer producer) {
    Path target = dir.resolve(name);
    try {
      Files.createDirectories(dir);
      if (traversable) {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
      try (FileChannel channel =
              FileChannel.open(
                  dir.resolve(name + ".lock"),
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE);
          FileLock lock = channel.lock()) {
        if (Files.exists(target.resolve(MARKER))) {
          return target;
        }
        Path work = dir.resolve(name + ".tmp-" + ProcessHandle.current().pid());
        EmbeddedConnect.deleteRecursively(work);
        EmbeddedConnect.deleteRecursively(target);
        producer.produce(work);
        Files.createFile(work.resolve(MARKER));
        Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
        return target;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not prepare " + target, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
