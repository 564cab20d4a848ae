package io.twinlog.dedup.topology;

import static io.twinlog.dedup.topology.DedupTopologyTest.HOUR;

import io.twinlog.contracts.ChangeHeaders;
import io.twinlog.dedup.fixtures.Adversary;
import io.twinlog.dedup.fixtures.Adversary.Delivery;
import io.twinlog.dedup.fixtures.Adversary.History;
import io.twinlog.dedup.fixtures.Change;
import io.twinlog.dedup.fixtures.DedupDriver;
import io.twinlog.dedup.fixtures.Describe;
import io.twinlog.dedup.fixtures.SourceSim;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Model-based: a random primary (see {@link Adversary}) read by 2-3 adversarial sources, their
 * topics interleaved at random (each source's topic for each table in its own order, nothing more),
 * and the output checked against the primary:
 *
 * <ul>
 *   <li>I1: every change of the surviving primary is in the output exactly once, or, only where a
 *       source was re-seeded ahead, on the dead-letter topic as a key-order conflict (it arrived
 *       after a later change of its key had been delivered); nothing else is in the output but the
 *       old primary's tail after a failover, each change of it at most once;
 *   <li>I2: per key, the output is in commit order;
 *   <li>I3: identical but distinct changes are all delivered (they are in the primary);
 *   <li>change ids are unique; without a re-seed or failover the output is exactly the primary's
 *       sequence per table and nothing is dead-lettered; a dead letter or an emitted tail comes
 *       with its anomaly.
 * </ul>
 *
 * Seeds: {@code -Dtwinlog.property.seeds=N} (default 300 per rule) from {@code
 * -Dtwinlog.property.firstSeed}. Four rules read the same histories: MariaDB changes identified by
 * their exact position ({@link #positionedMariaDbSourcesNeverLoseDuplicateOrReorder}, connectors
 * with Twinlog's transform), PostgreSQL changes by WAL position ({@link
 * #postgresqlSourcesNeverLoseDuplicateOrReorder}), and the GTID and content rules for connectors
 * without the transform ({@link #adversarialSourcesNeverLoseDuplicateOrReorder}). {@code
 * -Dtwinlog.model.source=postgresql} runs only the PostgreSQL one, {@code mariadb} only the others.
 * A failing seed is shrunk to the shortest prefix of the primary that still fails and printed with
 * its history.
 *
 * <p>The GTID and content rules fail it (see dedup-runtime/README.md, "The model test"), so they
 * are tagged out of the default run: {@code ./dev mvn -pl dedup-runtime test -Dtest=DedupModelTest
 * -Dtwinlog.dedup.excludedGroups=none}. The two exact rules run by default.
 */
class DedupModelTest {
  /** The rules that fail it are out of the default run (dedup-runtime/README.md). */
  static final String TAG = "model";

  static final int SEEDS = Integer.getInteger("twinlog.property.seeds", 300);
  static final long FIRST_SEED = Long.getLong("twinlog.property.firstSeed", 0L);
  static final int MAX_TX = 40;
  private static final boolean LIST = Boolean.getBoolean("twinlog.property.list");
  private static final boolean DEBUG = Boolean.getBoolean("twinlog.debug");

  /** Dead letters over every seed run (the PostgreSQL summary line reports them). */
  private static final java.util.concurrent.atomic.AtomicLong DEAD_LETTERED =
      new java.util.concurrent.atomic.AtomicLong();

  @TempDir Path state;

  /**
   * The GTID rule (connectors without Twinlog's transform) and the content rule (no GTIDs): today's
   * rules fail it (dedup-runtime/README.md, "The model test"), so it is out of the default run.
   */
  @Tag(DedupModelTest.TAG)
  @ParameterizedTest(name = "gtids={0}")
  @ValueSource(booleans = {true, false})
  void adversarialSourcesNeverLoseDuplicateOrReorder(boolean gtids) {
    String only = System.getProperty("twinlog.model.gtids");
    if (only != null && Boolean.parseBoolean(only) != gtids) {
      return; // a run of one rule only (see dedup-runtime/README.md)
    }
    if (!runs("mariadb") || Boolean.getBoolean("twinlog.model.positionsOnly")) {
      return;
    }
    runSeeds(gtids ? "gtids true" : "gtids false", gtids, false, false);
  }

  /**
   * The same adversary over MariaDB replicas whose connectors run Twinlog's transform: every change
   * carries its GTID and its place in the transaction as Debezium's offset counts it, the same in
   * every copy and every re-send ({@link SourceSim#headers}), so nothing may repeat, and without a
   * re-seed or failover the output is exactly the primary's sequence.
   */
  @org.junit.jupiter.api.Test
  void positionedMariaDbSourcesNeverLoseDuplicateOrReorder() {
    if (!runs("mariadb") || "false".equals(System.getProperty("twinlog.model.gtids"))) {
      return;
    }
    int[] shapes = runSeeds("mariadb, positions", true, false, true);
    System.out.printf(
        "positioned mariadb model: %d seeds pass; %d with a failover, %d with a re-seed ahead; %d"
            + " dead letters in all%n",
        SEEDS, shapes[0], shapes[1], DEAD_LETTERED.get());
  }

  /**
   * The same adversary over a PostgreSQL primary and streaming standbys ({@link
   * Adversary#generatePostgres}): changes identified by WAL position, so nothing may repeat, and
   * without a re-seed or failover the output is exactly the primary's sequence. {@code
   * -Dtwinlog.model.source=postgresql} runs this one only, {@code mariadb} the others only.
   */
  @org.junit.jupiter.api.Test
  void postgresqlSourcesNeverLoseDuplicateOrReorder() {
    if (!runs("postgresql")) {
      return;
    }
    int[] shapes = runSeeds("postgresql", true, true, false);
    System.out.printf(
        "postgresql model: %d seeds pass; %d with a failover, %d with a re-seed ahead, %d with a"
            + " COPY, %d with concurrent transactions; %d dead letters in all%n",
        SEEDS, shapes[0], shapes[1], shapes[2], shapes[3], DEAD_LETTERED.get());
  }

  /**
   * Runs every seed, each on its own driver (the seeds' histories reuse the same GTIDs, and a GTID
   * names one transaction across every table of a partition); fails with the first three failing
   * seeds, shrunk, or lists every failing seed with {@code -Dtwinlog.property.list=true}.
   *
   * @return what the histories exercised (see {@link #countShapes})
   */
  private int[] runSeeds(String label, boolean gtids, boolean postgres, boolean positions) {
    List<String> failures = new ArrayList<>();
    int failed = 0;
    int[] shapes = new int[4];
    DEAD_LETTERED.set(0);
    for (long seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
      countShapes(history(seed, gtids, postgres, "_" + seed, MAX_TX), shapes);
      String problem;
      try (DedupDriver d = driver(positions, "seed-" + label.hashCode() + "-" + seed)) {
        problem = run(d, seed, gtids, postgres, "_" + seed, MAX_TX);
      }
      if (problem != null) {
        failed++;
        if (LIST) {
          System.out.println(
              "FAIL " + seed + " " + problem.substring(0, Math.min(160, problem.length())));
        } else if (failures.size() < 3) {
          failures.add(shrink(seed, gtids, postgres, positions, problem));
        }
      }
    }
    if (failed > 0) {
      throw new AssertionError(
          failed
              + " of "
              + SEEDS
              + " seeds fail ("
              + label
              + "); the first, shrunk:\n\n"
              + String.join("\n\n", failures));
    }
    return shapes;
  }

  private DedupDriver driver(boolean positions, String dir) {
    return new DedupDriver(3, 48 * HOUR, state.resolve(dir), Map.of(), positions);
  }

  /** What the PostgreSQL histories exercised: failovers, re-seeds, COPYs, interleaved WAL. */
  private static void countShapes(History h, int[] shapes) {
    shapes[0] += h.failover() ? 1 : 0;
    shapes[1] += h.skipped() ? 1 : 0;
    boolean copy = false;
    boolean concurrent = false;
    Map<String, Long> lastLsnOfTable = new HashMap<>();
    for (int i = 0; i < h.truth().size(); i++) {
      Change c = h.truth().get(i);
      copy |= i > 0 && h.truth().get(i - 1).lsn() == c.lsn();
      Long last = lastLsnOfTable.put(c.table(), c.lsn());
      concurrent |= last != null && last > c.lsn();
    }
    shapes[2] += copy ? 1 : 0;
    shapes[3] += concurrent ? 1 : 0;
  }

  /** Whether {@code -Dtwinlog.model.source} (unset: every source) asks for this one. */
  private static boolean runs(String source) {
    String only = System.getProperty("twinlog.model.source");
    return only == null || only.isBlank() || only.equalsIgnoreCase(source);
  }

  static History history(long seed, boolean gtids, boolean postgres, String suffix, int maxTx) {
    return postgres
        ? Adversary.generatePostgres(seed, suffix, maxTx)
        : Adversary.generate(seed, gtids, suffix, maxTx);
  }

  private String shrink(
      long seed, boolean gtids, boolean postgres, boolean positions, String problem) {
    for (int maxTx = 1; maxTx < MAX_TX; maxTx++) {
      try (DedupDriver d = driver(positions, "shrink-" + postgres + positions + seed + maxTx)) {
        String shorter = run(d, seed, gtids, postgres, "_" + seed, maxTx);
        if (shorter != null) {
          return describe(seed, gtids, postgres, maxTx, shorter);
        }
      }
    }
    return describe(seed, gtids, postgres, MAX_TX, problem);
  }

  private static String describe(
      long seed, boolean gtids, boolean postgres, int maxTx, String problem) {
    History h = history(seed, gtids, postgres, "_" + seed, maxTx);
    StringBuilder text =
        new StringBuilder(
                "seed "
                    + seed
                    + (postgres ? " (postgresql, " : " (gtids " + gtids + ", ")
                    + maxTx
                    + " transactions, ")
            .append(h.deliveries().size())
            .append(" sources): ")
            .append(problem)
            .append("\n  primary:");
    h.truth().forEach(c -> text.append("\n    ").append(c.describe()));
    if (!h.tail().isEmpty()) {
      text.append("\n  old primary's tail:");
      h.tail().forEach(c -> text.append("\n    ").append(c.describe()));
    }
    text.append("\n  sources:");
    h.script().forEach(line -> text.append("\n    ").append(line));
    return text.toString();
  }

  /** Plays one history through the driver; returns what is wrong, or null. */
  static String run(
      DedupDriver d, long seed, boolean gtids, boolean postgres, String suffix, int maxTx) {
    return run(d, seed, gtids, postgres, suffix, maxTx, DEBUG);
  }

  static String run(
      DedupDriver d,
      long seed,
      boolean gtids,
      boolean postgres,
      String suffix,
      int maxTx,
      boolean debug) {
    History h = history(seed, gtids, postgres, suffix, maxTx);
    if (Boolean.getBoolean("twinlog.debug")) {
      System.out.println("SEED " + seed + " maxTx " + maxTx);
    }
    Map<String, ArrayDeque<Delivery>> queues = new LinkedHashMap<>();
    for (List<Delivery> source : h.deliveries()) {
      for (Delivery delivery : source) {
        queues
            .computeIfAbsent(
                delivery.source() + "|" + delivery.change().table(), k -> new ArrayDeque<>())
            .add(delivery);
      }
    }
    Random interleave = new Random(seed * 17 + 5);
    List<ArrayDeque<Delivery>> open = new ArrayList<>(queues.values());
    open.removeIf(ArrayDeque::isEmpty);
    while (!open.isEmpty()) {
      ArrayDeque<Delivery> queue = open.get(interleave.nextInt(open.size()));
      for (int burst = 1 + interleave.nextInt(6); burst > 0 && !queue.isEmpty(); burst--) {
        Delivery next = queue.poll();
        SourceSim sim = d.source(next.source());
        Change c = next.change();
        if (debug) {
          System.out.println(
              "SEND s"
                  + next.source()
                  + " @"
                  + next.position()
                  + " t"
                  + next.totalOrder()
                  + " "
                  + c.describe());
        }
        d.send(
            sim.topic(c.table()),
            sim.key(c),
            sim.value(c, next.position(), next.totalOrder()),
            sim.headers(c));
      }
      if (queue.isEmpty()) {
        open.remove(queue);
      }
    }
    // Time passes with nothing more to read: every hold ends (decided alone when nothing placed it;
    // a source that resumed inside the transaction again and again is held once per resume).
    for (int i = 0; i < 50; i++) {
      d.advanceWallClock(d.alignHoldMs() + 1_000);
    }
    List<TestRecord<String, String>> deadLetters = d.deadLetters();
    DEAD_LETTERED.addAndGet(deadLetters.size());
    for (String table : List.of(Adversary.TABLE_A + suffix, Adversary.TABLE_B + suffix)) {
      String problem = check(d, h, table, deadLetters);
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }

  private static String check(
      DedupDriver d, History h, String table, List<TestRecord<String, String>> allDeadLetters) {
    List<TestRecord<String, String>> out = d.output(table);
    List<String> emitted = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (TestRecord<String, String> r : out) {
      if (DEBUG && r.value() != null) {
        System.out.println(
            "OUT " + DedupDriver.changeId(r) + " " + Describe.output(r.key(), r.value()));
      }
      if (r.value() != null) {
        emitted.add(Describe.output(r.key(), r.value()));
        ids.add(DedupDriver.changeId(r));
      }
    }
    if (ids.stream().distinct().count() != ids.size()) {
      return table + ": change ids repeat: " + ids;
    }
    if (h.truth().get(0).postgres() && !ids.stream().allMatch(id -> id.startsWith("pg:"))) {
      return table + ": PostgreSQL changes not decided by WAL position: " + ids;
    }
    if (d.positions() && !ids.stream().allMatch(id -> id.startsWith("gtid:"))) {
      return table + ": positioned MariaDB changes not decided by position: " + ids;
    }
    List<String> conflicts = new ArrayList<>();
    for (TestRecord<String, String> r : allDeadLetters) {
      String error = DedupDriver.header(r, ChangeHeaders.ERROR_CLASS);
      if (r.value() != null && error != null && error.endsWith("KeyOrderConflict")) {
        String described = Describe.output(r.key(), r.value());
        if (described.startsWith(table + "|")) {
          conflicts.add(described);
        }
      }
    }
    List<String> truth =
        Describe.changes(h.truth().stream().filter(c -> c.table().equals(table)).toList());
    List<String> tail =
        Describe.changes(h.tail().stream().filter(c -> c.table().equals(table)).toList());
    Map<String, Integer> expected = counts(truth);
    Map<String, Integer> tailCounts = counts(tail);
    Map<String, Integer> seen = counts(emitted);
    counts(conflicts).forEach((k, v) -> seen.merge(k, v, Integer::sum));
    Set<String> undecidable = d.positions() ? Set.of() : undecidable(h, table);
    boolean repeated = false;
    for (Map.Entry<String, Integer> e : expected.entrySet()) {
      int got = seen.getOrDefault(e.getKey(), 0);
      boolean mayRepeat = undecidable.contains(gtidOf(e.getKey()));
      if (got < e.getValue() || (got > e.getValue() && !mayRepeat)) {
        return table + ": " + e.getKey() + " delivered " + got + " times, expected " + e.getValue();
      }
      repeated |= got > e.getValue();
    }
    if (repeated && anomalies(d, "resume-unaligned") == 0) {
      return table + ": changes repeated without a resume-unaligned anomaly";
    }
    for (Map.Entry<String, Integer> e : seen.entrySet()) {
      if (!expected.containsKey(e.getKey())
          && e.getValue() > tailCounts.getOrDefault(e.getKey(), 0)
          && !(tailCounts.containsKey(e.getKey()) && undecidable.contains(gtidOf(e.getKey())))) {
        return table + ": " + e.getKey() + " delivered " + e.getValue() + " times, not expected";
      }
    }
    // I2: per key, the surviving primary's changes in the output are in commit order (those of an
    // undecidable transaction aside: they may repeat, see undecidable()).
    java.util.function.Predicate<String> ordered =
        c -> expected.containsKey(c) && !undecidable.contains(gtidOf(c));
    Map<String, List<String>> outByKey = byKey(emitted.stream().filter(ordered));
    Map<String, List<String>> truthByKey = byKey(truth.stream().filter(ordered));
    for (Map.Entry<String, List<String>> e : outByKey.entrySet()) {
      List<String> order = truthByKey.get(e.getKey());
      if (!sameMultisetOrder(order, e.getValue())) {
        return table + " key " + e.getKey() + ": output order " + e.getValue() + " != " + order;
      }
    }
    boolean postgres = h.truth().get(0).postgres();
    if (!h.failover() || postgres) {
      // Whatever was repeated, each key ends where the primary left it. After a PostgreSQL
      // failover, every key the promoted standby changed ends at its state: its commits are later
      // than the old primary's tail, whose positions it reuses (a key it did not change may end at
      // the tail's state, which was committed and delivered before anything showed it was lost).
      long tailEnd = h.tail().stream().mapToLong(Change::tsMs).max().orElse(Long.MIN_VALUE);
      Map<Change, String> described = new HashMap<>();
      h.truth().forEach(c -> described.put(c, Describe.change(c)));
      Set<String> promoted = new java.util.HashSet<>();
      h.truth().stream()
          .filter(c -> c.tsMs() > tailEnd)
          .forEach(c -> promoted.add(described.get(c)));
      Map<String, List<String>> allOut = byKey(emitted.stream());
      for (Map.Entry<String, List<String>> e : byKey(truth.stream()).entrySet()) {
        List<String> keyOut = allOut.get(e.getKey());
        String last = e.getValue().get(e.getValue().size() - 1);
        if (h.failover() && !promoted.contains(last)) {
          continue;
        }
        if (!conflicts.contains(last)
            && (keyOut == null || !keyOut.get(keyOut.size() - 1).equals(last))) {
          return table + " key " + e.getKey() + " ends at " + keyOut + ", the primary at " + last;
        }
      }
    }
    if (!h.skipped() && !h.failover() && undecidable.isEmpty()) {
      if (!conflicts.isEmpty()) {
        return table + ": dead-lettered without any re-seed: " + conflicts;
      }
      if (!emitted.equals(truth)) {
        return table + ": output " + emitted + "\n    differs from the primary " + truth;
      }
    }
    if (!conflicts.isEmpty() && anomalies(d, "key-order-conflict") == 0) {
      return table + ": dead letters without a key-order-conflict anomaly";
    }
    return null;
  }

  /**
   * The transactions of a table that no source read whole in one connector run and then left for a
   * later one (so that the runtime saw where it ends): every source that delivered it resumed
   * inside it, or stopped before its end was visible. Where the changes it re-sent look like the
   * ones it had not sent yet (repeated identical changes), nothing tells a crash's re-send from a
   * graceful resume's new changes; the runtime then takes them as new (never losing one), so they
   * may repeat.
   */
  private static Set<String> undecidable(History h, String table) {
    if (h.truth().get(0).gtid() == null || h.truth().get(0).postgres()) {
      // Without GTIDs a change is identified by its content and its occurrence, and a source's
      // re-send by its own binlog position going back; from PostgreSQL by its WAL position, the
      // same in every copy: nothing is allowed to repeat.
      return Set.of();
    }
    Map<String, Integer> size = new HashMap<>();
    java.util.stream.Stream.concat(h.truth().stream(), h.tail().stream())
        .filter(c -> c.table().equals(table))
        .forEach(c -> size.merge(c.gtid(), 1, Integer::sum));
    Set<String> whole = new java.util.HashSet<>();
    for (List<Delivery> source : h.deliveries()) {
      List<Delivery> lane = source.stream().filter(x -> x.change().table().equals(table)).toList();
      for (int i = 0; i < lane.size(); i++) {
        // A run that delivers the whole transaction of this table and then a change of a later
        // one: the runtime saw it read the transaction to its end ...
        Delivery first = lane.get(i);
        String gtid = first.change().gtid();
        int n = 0;
        int j = i;
        while (j < lane.size()
            && lane.get(j).run() == first.run()
            && lane.get(j).change().gtid().equals(gtid)) {
          n++;
          j++;
        }
        boolean leftForward =
            j < lane.size()
                && lane.get(j).run() == first.run()
                && lane.get(j).position() > lane.get(j - 1).position();
        // ... and entered it visibly at its first change: the run's previous change of this table
        // was of an earlier transaction (a run that starts inside the transaction the lane was
        // reading may be a re-send or a graceful resume: the lane alone cannot tell).
        boolean enteredAtStart =
            i == 0
                || (lane.get(i - 1).run() == first.run()
                    && lane.get(i - 1).position() < first.position());
        if (n == size.getOrDefault(gtid, -1) && leftForward && enteredAtStart) {
          whole.add(gtid);
        }
      }
    }
    Set<String> undecidable = new java.util.HashSet<>(size.keySet());
    undecidable.removeAll(whole);
    return undecidable;
  }

  private static String gtidOf(String described) {
    return described.substring(described.lastIndexOf('|') + 1);
  }

  /**
   * The output subsequence of a key must be the key's commit order minus what was dead-lettered.
   */
  private static boolean sameMultisetOrder(List<String> order, List<String> output) {
    int i = 0;
    for (String o : output) {
      while (i < order.size() && !order.get(i).equals(o)) {
        i++;
      }
      if (i == order.size()) {
        return false;
      }
      i++;
    }
    return true;
  }

  private static double anomalies(DedupDriver d, String kind) {
    double total = 0;
    for (int s = 0; s < 3; s++) {
      total +=
          d.metrics()
              .count("anomalies_total", "source", "replica-" + (char) ('a' + s), "kind", kind);
    }
    return total;
  }

  private static Map<String, List<String>> byKey(java.util.stream.Stream<String> changes) {
    Map<String, List<String>> byKey = new HashMap<>();
    changes.forEach(
        c ->
            byKey
                .computeIfAbsent(
                    c.substring(0, c.indexOf('|', c.indexOf('|') + 1)), k -> new ArrayList<>())
                .add(c));
    return byKey;
  }

  private static Map<String, Integer> counts(List<String> items) {
    Map<String, Integer> counts = new HashMap<>();
    items.forEach(i -> counts.merge(i, 1, Integer::sum));
    return counts;
  }
}
