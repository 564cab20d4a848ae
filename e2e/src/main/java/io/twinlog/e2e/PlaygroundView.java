package io.twinlog.e2e;

import io.twinlog.e2e.check.ScenarioReport;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.CdcPipelineStatus;
import io.twinlog.operator.api.v1alpha1.Condition;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the playground prints: a {@code kubectl get cdcpipelines}-style table and delivery counters,
 * redrawn in place with ANSI codes on a terminal, appended as plain lines otherwise.
 */
final class PlaygroundView {
  private static final String HEADER = "%-10s %-6s %-8s %-6s %-9s %-9s %-12s %-10s %s";

  private final PrintStream out;
  private final PrintStream log;
  private final boolean ansi;
  private int linesDrawn;
  private Instant lastPlainDraw = Instant.MIN;
  private String lastPhase = "";

  /** {@code log} also gets the events, so the log file reads with them; the table only on out. */
  PlaygroundView(PrintStream out, boolean ansi, PrintStream log) {
    this.out = out;
    this.ansi = ansi;
    this.log = log;
  }

  /** A progress line (start-up, faults); scrolls above the live table. */
  synchronized void event(String message) {
    clear();
    String line = "[" + Instant.now().toString().substring(11, 19) + "] " + message;
    out.println(line);
    log.println("playground: " + line);
  }

  /** Lines printed as they are, below the events (e.g. a log's tail). */
  synchronized void lines(List<String> lines) {
    clear();
    lines.forEach(out::println);
    out.flush();
  }

  /** Draws the table and counters. */
  synchronized void draw(CdcPipeline pipeline, ScenarioReport report, String phase) {
    if (!ansi) {
      // Plain output (a log, CI): a table every 5 s or when the phase changes, not every second.
      Instant now = Instant.now();
      if (phase.equals(lastPhase) && now.isBefore(lastPlainDraw.plusSeconds(5))) {
        return;
      }
      lastPlainDraw = now;
      lastPhase = phase;
    }
    List<String> lines = table(pipeline, report, phase);
    clear();
    lines.forEach(out::println);
    linesDrawn = ansi ? lines.size() : 0;
    out.flush();
  }

  private void clear() {
    if (ansi && linesDrawn > 0) {
      // Cursor up over the previous table, then erase to the end of the screen.
      out.print("\u001b[" + linesDrawn + "F\u001b[J");
      linesDrawn = 0;
    }
  }

  static List<String> table(CdcPipeline pipeline, ScenarioReport report, String phase) {
    String row;
    if (pipeline == null) {
      row = "(no CdcPipeline)";
    } else {
      CdcPipelineStatus s =
          pipeline.getStatus() == null ? new CdcPipelineStatus() : pipeline.getStatus();
      String ready =
          s.getConditions() == null
              ? ""
              : s.getConditions().stream()
                  .filter(c -> "Ready".equals(c.getType()))
                  .map(Condition::getStatus)
                  .findFirst()
                  .orElse("");
      Instant created = Instant.parse(pipeline.getMetadata().getCreationTimestamp());
      row =
          String.format(
              HEADER,
              pipeline.getMetadata().getName(),
              ready,
              text(s.getSourcesReady()),
              text(s.getDedupReady()),
              text(s.getSinkState()),
              text(s.getRestarts()),
              text(s.getDeadLetters()),
              text(s.getRetention()),
              age(Duration.between(created, Instant.now())));
    }
    String notReady = "";
    if (pipeline != null
        && pipeline.getStatus() != null
        && pipeline.getStatus().getConditions() != null) {
      notReady =
          pipeline.getStatus().getConditions().stream()
              // Reconciling and Stalled are abnormal-true (kstatus): True is the news there
              .filter(
                  c -> !"True".equals(c.getStatus()) != abnormalTrue(c) && c.getMessage() != null)
              .map(c -> "  " + c.getType() + "=" + c.getStatus() + ": " + c.getMessage())
              .findFirst()
              .orElse("");
    }
    return List.of(
        "$ kubectl get cdcpipelines -n "
            + (pipeline == null ? "?" : pipeline.getMetadata().getNamespace()),
        String.format(
            HEADER,
            "NAME",
            "READY",
            "SOURCES",
            "DEDUP",
            "SINK",
            "RESTARTS",
            "DEADLETTERS",
            "RETENTION",
            "AGE"),
        row,
        notReady.length() > 160 ? notReady.substring(0, 157) + "..." : notReady,
        String.format(
            "changes committed %d | delivered to ERP %d | duplicates %d | latency p50 %s p99 %s",
            report.made(),
            report.delivered(),
            report.duplicates(),
            millis(report.latencyP50()),
            millis(report.latencyP99())),
        "phase: " + phase + "   (Ctrl-C stops and cleans up)");
  }

  private static String text(Object value) {
    return value == null ? "-" : Objects.toString(value);
  }

  private static String millis(Duration d) {
    return d == null ? "-" : d.toMillis() + "ms";
  }

  static String age(Duration d) {
    long s = d.toSeconds();
    return s < 120 ? s + "s" : s < 7200 ? (s / 60) + "m" : (s / 3600) + "h";
  }

  private static boolean abnormalTrue(io.twinlog.operator.api.v1alpha1.Condition c) {
    return "Reconciling".equals(c.getType()) || "Stalled".equals(c.getType());
  }
}
