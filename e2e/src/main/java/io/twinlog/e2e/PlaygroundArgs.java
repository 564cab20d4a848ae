package io.twinlog.e2e;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The playground's command line: {@code [--duration 60s|5m]} (absent: until Ctrl-C). */
final class PlaygroundArgs {
  private static final Pattern DURATION = Pattern.compile("(\\d+)(s|m)");

  private PlaygroundArgs() {}

  /** The run time, or null to run until Ctrl-C. */
  static Duration duration(String[] args) {
    String value = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--duration") && i + 1 < args.length) {
        value = args[++i];
      } else if (args[i].startsWith("--duration=")) {
        value = args[i].substring("--duration=".length());
      } else {
        throw new IllegalArgumentException("usage: playground [--duration 60s|5m]; got " + args[i]);
      }
    }
    if (value == null) {
      value = System.getProperty("twinlog.playground.duration");
    }
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
