package io.twinlog.e2e.stack;

import java.lang.reflect.InvocationTargetException;

/**
 * Entry point of a "pod" child JVM: runs the pod's main class unchanged, plus a watcher that halts
 * this JVM when the harness JVM that started it is gone (a killed test run must not leave pods
 * behind, as a deleted pod leaves no container).
 */
public final class PodMain {
  private PodMain() {}

  /** {@code args[0]}: the parent's pid; {@code args[1]}: the main class to run. */
  public static void main(String[] args) throws Throwable {
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
    try {
      Class.forName(args[1]).getMethod("main", String[].class).invoke(null, (Object) new String[0]);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
