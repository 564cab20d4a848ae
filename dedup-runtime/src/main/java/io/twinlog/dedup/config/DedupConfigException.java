package io.twinlog.dedup.config;

import java.util.List;

/** Thrown when the runtime's configuration is invalid; lists every problem found, not just one. */
public class DedupConfigException extends RuntimeException {
  private final List<String> problems;

  public DedupConfigException(List<String> problems) {
    super("Invalid dedup-runtime configuration:\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
