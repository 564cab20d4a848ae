package io.twinlog.e2e;

import io.twinlog.e2e.workload.Workload;
import java.util.function.Consumer;

/** The playground's endless workload: one transaction every 1/rate seconds until stopped. */
final class WorkloadLoop {
  private final Thread thread;
  private volatile boolean stopped;

  private WorkloadLoop(Workload workload, int perSecond, Consumer<Exception> onFailure) {
    thread =
        new Thread(
            () -> {
              long period = 1_000_000_000L / perSecond;
              long next = System.nanoTime();
              while (!stopped) {
                try {
                  workload.step();
                  next += period;
                  long wait = next - System.nanoTime();
                  if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000)); // pacing
                  }
                } catch (InterruptedException e) {
                  return;
                } catch (Exception e) {
                  // The primary never goes down in the playground; report and stop writing.
                  onFailure.accept(e);
                  return;
                }
              }
            },
            "playground-workload");
    thread.setDaemon(true);
  }

  /** Starts writing; {@code onFailure} hears of a transaction that failed (no more follow). */
  static WorkloadLoop start(Workload workload, int perSecond, Consumer<Exception> onFailure) {
    WorkloadLoop loop = new WorkloadLoop(workload, perSecond, onFailure);
    loop.thread.start();
    return loop;
  }

  /** Stops after the transaction in progress (it is committed and recorded, or neither). */
  void stop() throws InterruptedException {
    stopped = true;
    thread.join(10_000);
  }
}
