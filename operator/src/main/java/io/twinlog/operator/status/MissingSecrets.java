package io.twinlog.operator.status;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The Secrets a pipeline's spec references that do not exist, by the part that reads them. A part
 * whose Secret is missing cannot start (a pod cannot mount it, Connect cannot resolve {@code
 * ${secrets:...}}), so when that part is down the status names the Secret instead of a generic "not
 * ready" (reason {@link Reasons#SECRET_MISSING}).
 */
public record MissingSecrets(List<String> sources, List<String> dedup, List<String> sink) {

  public MissingSecrets {
    sources = List.copyOf(sources);
    dedup = List.copyOf(dedup);
    sink = List.copyOf(sink);
  }

  /** Nothing missing (or nothing looked up). */
  public static MissingSecrets none() {
    return new MissingSecrets(List.of(), List.of(), List.of());
  }

  /** What of each part's Secrets is not among {@code existing}. */
  public static MissingSecrets of(
      Collection<String> sources,
      Collection<String> dedup,
      Collection<String> sink,
      Set<String> existing) {
    return new MissingSecrets(
        absent(sources, existing), absent(dedup, existing), absent(sink, existing));
  }

  private static List<String> absent(Collection<String> names, Set<String> existing) {
    return names.stream().filter(n -> !existing.contains(n)).distinct().sorted().toList();
  }

  /**
   * "the Secret cdc-db does not exist" / "the Secrets a, b do not exist", with what to do; null
   * when {@code names} is empty.
   */
  static String describe(List<String> names) {
    if (names.isEmpty()) {
      return null;
    }
    return (names.size() == 1
            ? "the Secret " + names.get(0) + " does not exist"
            : "the Secrets " + String.join(", ", names) + " do not exist")
        + " in the pipeline's namespace: create "
        + (names.size() == 1 ? "it" : "them")
        + " (samples/02-secrets.yaml shows the keys) and the part that reads "
        + (names.size() == 1 ? "it" : "them")
        + " starts.";
  }
}
