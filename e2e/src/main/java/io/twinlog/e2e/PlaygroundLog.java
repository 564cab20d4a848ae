package io.twinlog.e2e;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Logger;

/**
 * The playground's log file: everything the JVM's parts print (Kafka, Connect, Debezium, the
 * operator, the stand-ins, through slf4j-simple, java.util.logging, Log4j's console or {@code
 * System.out}/{@code System.err} directly) goes to one file, so the terminal shows the view alone.
 * Opened first thing in {@code main}, before any library's logger exists.
 *
 * @param file the file's absolute path
 * @param terminal the terminal: {@code System.out} before the redirection
 * @param stream the file, as a stream (also {@code System.out} and {@code System.err} now)
 */
record PlaygroundLog(Path file, PrintStream terminal, PrintStream stream) {
  /** The system property naming the file (set by e2e/pom.xml's {@code playground} execution). */
  static final String FILE_PROPERTY = "twinlog.playground.log";

  /** The system property setting the file's slf4j level (default info). */
  static final String LEVEL_PROPERTY = "twinlog.playground.logLevel";

  private static final int TAIL_BYTES = 64 * 1024;

  /**
   * Redirects {@code System.out} and {@code System.err} to the file (emptied first) and returns it;
   * {@link #terminal()} is {@code System.out} as it was.
   */
  static PlaygroundLog redirect() throws IOException {
    String named = System.getProperty(FILE_PROPERTY);
    Path file =
        named == null || named.isBlank()
            ? Files.createTempDirectory("twinlog-playground").resolve("playground.log")
            : Path.of(named);
    file = file.toAbsolutePath().normalize();
    Files.createDirectories(file.getParent());
    PrintStream log =
        new PrintStream(new FileOutputStream(file.toFile()), true, StandardCharsets.UTF_8);
    PrintStream terminal = System.out;
    System.setOut(log);
    System.setErr(log);
    // slf4j-simple (the in-JVM parts' logger) writes to System.err as it is at each call, i.e. to
    // the file; set before its first logger, unless given on the command line (-D...). Its level
    // is set in any case: Maven's -q sets the shared defaultLogLevel property to error.
    defaultProperty("org.slf4j.simpleLogger.logFile", "System.err");
    System.setProperty(
        "org.slf4j.simpleLogger.defaultLogLevel", System.getProperty(LEVEL_PROPERTY, "info"));
    defaultProperty("org.slf4j.simpleLogger.showDateTime", "true");
    defaultProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
    // java.util.logging (the binlog client) writes through ConsoleHandlers, which keep the
    // System.err of their creation: replace any made before the redirection.
    Logger root = Logger.getLogger("");
    for (Handler handler : root.getHandlers()) {
      if (handler instanceof ConsoleHandler) {
        root.removeHandler(handler);
        ConsoleHandler replacement = new ConsoleHandler();
        replacement.setLevel(handler.getLevel());
        replacement.setFormatter(handler.getFormatter());
        root.addHandler(replacement);
      }
    }
    return new PlaygroundLog(file, terminal, log);
  }

  private static void defaultProperty(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /** The last {@code n} lines written so far (from the file's last 64 KiB at most). */
  List<String> tail(int n) {
    stream.flush();
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long length = in.length();
      if (length == 0) {
        return List.of();
      }
      long from = Math.max(0, length - TAIL_BYTES);
      byte[] bytes = new byte[(int) (length - from)];
      in.seek(from);
      in.readFully(bytes);
      String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\r?\n");
      // A window not starting at the file's start may start mid-line: drop that first line.
      int first = Math.max(from > 0 ? 1 : 0, lines.length - n);
      return Arrays.asList(lines).subList(Math.min(first, lines.length), lines.length);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
