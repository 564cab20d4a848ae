package io.twinlog.e2e.stack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One "pod": a Twinlog main class (the dedup runtime, the webhook receiver, the webhook dedup step)
 * in a child JVM whose environment is exactly the ConfigMap's data plus the overrides its {@link
 * PodRecipe} documents. A child JVM so that a crash is real ({@link #kill} is SIGKILL: no commit,
 * no leave-group).
 */
public final class PodProcess {

  private final Process process;
  private final int metricsPort;
  private final Path log;
  private final Map<String, String> env;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

  private PodProcess(Process process, int metricsPort, Path log, Map<String, String> env) {
    this.process = process;
    this.metricsPort = metricsPort;
    this.log = log;
    this.env = Map.copyOf(env);
  }

  /**
   * Starts {@code mainClass} with this environment, logging to {@code log}; {@code /readyz} on
   * {@code metricsPort} is its readiness.
   */
  static PodProcess start(String mainClass, Map<String, String> env, int metricsPort, Path log) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx384m");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(classpath());
    command.add(PodMain.class.getName());
    command.add(Long.toString(ProcessHandle.current().pid()));
    command.add(mainClass);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      return new PodProcess(builder.start(), metricsPort, log, env);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + mainClass, e);
    }
  }

  /**
   * This JVM's classpath: the context class loader's URLs when it has its own (Maven's exec:java),
   * else {@code java.class.path} (failsafe's booter jar, whose manifest lists the rest).
   */
  static String classpath() {
    List<String> entries = new ArrayList<>();
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    while (loader != null) {
      if (loader instanceof URLClassLoader urls) {
        for (URL url : urls.getURLs()) {
          try {
            entries.add(new File(url.toURI()).getPath());
          } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
          }
        }
      }
      loader = loader.getParent();
    }
    String own = System.getProperty("java.class.path");
    return entries.isEmpty() ? own : String.join(File.pathSeparator, entries);
  }

  /** The environment the process runs with. */
  public Map<String, String> env() {
    return env;
  }

  /** Whether the process is alive. */
  public boolean alive() {
    return process.isAlive();
  }

  /** The OS process id. */
  public long pid() {
    return process.pid();
  }

  /** Whether {@code /readyz} answers 200 (its readiness probe). */
  public boolean ready() {
    if (!process.isAlive()) {
      return false;
    }
    try {
      HttpRequest request =
          HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + metricsPort + "/readyz"))
              .timeout(Duration.ofSeconds(1))
              .build();
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The pod's Prometheus text, or empty when it does not answer. */
  public String metrics() {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(
                  java.net.URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
              .timeout(Duration.ofSeconds(2))
              .build();
      return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** Where the process logs. */
  public Path log() {
    return log;
  }

  /** SIGKILL: a crash, nothing flushed or committed. */
  public void kill() {
    process.destroyForcibly();
    waitFor(Duration.ofSeconds(10));
  }

  /** SIGTERM, as Kubernetes stops a pod; SIGKILL after the grace period. */
  public void stop(Duration grace) {
    process.destroy();
    if (!waitFor(grace)) {
      kill();
    }
  }

  private boolean waitFor(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
