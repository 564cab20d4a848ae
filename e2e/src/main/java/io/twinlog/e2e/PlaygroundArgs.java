package io.twinlog.e2e;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The playground's command line: {@code [--duration 60s|5m] [--source mariadb|postgresql]}
 * (duration absent: until Ctrl-C; source absent: MariaDB).
 *
 * @param duration the run time, or null to run until Ctrl-C
 * @param postgres whether the source is PostgreSQL (primary + 2 streaming standbys)
 */
record PlaygroundArgs(Duration duration, boolean postgres) {
  private static final Pattern DURATION = Pattern.compile("(\\d+)(s|m)");
  private static final String USAGE =
      "usage: playground [--duration 60s|5m] [--source mariadb|postgresql]";

  static PlaygroundArgs parse(String[] args) {
    String value = null;
    String source = "mariadb";
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--duration") && i + 1 < args.length) {
        value = args[++i];
      } else if (args[i].startsWith("--duration=")) {
        value = args[i].substring("--duration=".length());
      } else if (args[i].equals("--source") && i + 1 < args.length) {
        source = args[++i];
      } else if (args[i].startsWith("--source=")) {
        source = args[i].substring("--source=".length());
      } else {
        throw new IllegalArgumentException(USAGE + "; got " + args[i]);
      }
    }
    if (!source.equals("mariadb") && !source.equals("postgresql")) {
      throw new IllegalArgumentException(USAGE + "; got --source " + source);
    }
    if (value == null) {
      value = System.getProperty("twinlog.playground.duration");
    }
    return new PlaygroundArgs(duration(value), source.equals("postgresql"));
  }

  private static Duration duration(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    Matcher m = DURATION.matcher(value.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("--duration takes e.g. 60s or 5m, not " + value);
    }
    long n = Long.parseLong(m.group(1));
    return m.group(2).equals("s") ? Duration.ofSeconds(n) : Duration.ofMinutes(n);
  }
}
