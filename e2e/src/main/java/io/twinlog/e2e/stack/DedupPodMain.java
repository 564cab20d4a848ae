package io.twinlog.e2e.stack;

import io.twinlog.dedup.DedupRuntime;

/**
 * Entry point of a dedup "pod" child JVM: runs {@link DedupRuntime#main} unchanged, plus a watcher
 * that halts this JVM when the harness JVM that started it is gone (a killed test run must not
 * leave dedup runtimes behind, as a deleted pod leaves no container).
 */
public final class DedupPodMain {
  private DedupPodMain() {}

  /** {@code args[0]}: the parent's pid. */
  public static void main(String[] args) throws InterruptedException {
    long parent = Long.parseLong(args[0]);
    Thread watcher =
        new Thread(
            () -> {
              ProcessHandle.of(parent).ifPresent(p -> p.onExit().join());
              Runtime.getRuntime().halt(137);
            },
            "parent-watcher");
    watcher.setDaemon(true);
    watcher.start();
    DedupRuntime.main(new String[0]);
  }
}
