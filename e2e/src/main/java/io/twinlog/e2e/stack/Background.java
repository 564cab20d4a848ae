package io.twinlog.e2e.stack;

import io.twinlog.e2e.workload.Workload;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A workload running on its own thread while a scenario injects its fault. */
public final class Background {
  private final CompletableFuture<Void> done;

  private Background(CompletableFuture<Void> done) {
    this.done = done;
  }

  /** Starts {@code transactions} paced at {@code perSecond} on a new thread. */
  public static Background run(Workload workload, int transactions, int perSecond) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                workload.run(transactions, perSecond);
                done.complete(null);
              } catch (Exception e) {
                done.completeExceptionally(e);
              }
            },
            "workload-" + workload.database());
    thread.setDaemon(true);
    thread.start();
    return new Background(done);
  }

  /** Whether the workload finished. */
  public boolean finished() {
    return done.isDone();
  }

  /** Waits for the workload to finish and rethrows its failure. */
  public void join(long timeoutSeconds)
      throws InterruptedException, ExecutionException, TimeoutException {
    done.get(timeoutSeconds, TimeUnit.SECONDS);
  }
}
