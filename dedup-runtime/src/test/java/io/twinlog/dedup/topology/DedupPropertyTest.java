package io.twinlog.dedup.topology;

import static io.twinlog.dedup.topology.DedupTopologyTest.HOUR;
import static io.twinlog.dedup.topology.DedupTopologyTest.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.dedup.fixtures.Change;
import io.twinlog.dedup.fixtures.ChangeLog;
import io.twinlog.dedup.fixtures.DedupDriver;
import io.twinlog.dedup.fixtures.Describe;
import io.twinlog.dedup.fixtures.SourceSim;
import io.twinlog.dedup.fixtures.SourceSim.Out;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random primaries, random source restarts (replays from an older committed offset, also inside
 * transactions), sources dying for good, and random interleavings: the output is always exactly the
 * primary's change sequence. Seeded, so a failure names the seed that reproduces it.
 */
class DedupPropertyTest {
  static final int SEEDS = 20;

  @TempDir Path state;

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void randomInterleavingsRestartsAndLagGiveThePrimarySequence(boolean gtids) {
    try (DedupDriver d = new DedupDriver(3, 48 * HOUR, state)) {
      for (int seed = 0; seed < SEEDS; seed++) {
        Random random = new Random(seed * 7919L + (gtids ? 1 : 0));
        String table = "shop.p" + seed;
        List<Change> changes = primary(random, table, gtids);
        int sources = 2 + random.nextInt(2);
        List<List<Out>> streams = new ArrayList<>();
        for (int s = 0; s < sources; s++) {
          // source 0 stays healthy; the others may die for good part-way
          streams.add(stream(random, d.source(s), changes, s > 0 && random.nextInt(3) == 0));
        }
        int[] next = new int[sources];
        int left = streams.stream().mapToInt(List::size).sum();
        while (left > 0) {
          int s = random.nextInt(sources);
          if (next[s] < streams.get(s).size()) {
            int burst = 1 + random.nextInt(6);
            for (int i = 0; i < burst && next[s] < streams.get(s).size(); i++, left--) {
              d.send(streams.get(s).get(next[s]++));
            }
          }
        }
        List<TestRecord<String, String>> out = d.output(table);
        assertThat(
                out.stream()
                    .filter(r -> r.value() != null)
                    .map(r -> Describe.output(r.key(), r.value())))
            .as("seed %d, gtids %s, %d sources", seed, gtids, sources)
            .containsExactlyElementsOf(Describe.changes(changes));
        assertThat(out.stream().map(DedupDriver::changeId).distinct())
            .as("seed %d: change ids are unique", seed)
            .hasSize(out.size());
      }
    }
  }

  /** 30 to 60 rows over 5 keys; same-second flips and multi-row transactions are common. */
  static List<Change> primary(Random random, String table, boolean gtids) {
    ChangeLog log = new ChangeLog(gtids);
    Map<Integer, Integer> flags = new HashMap<>();
    int rows = 30 + random.nextInt(31);
    int written = 0;
    int tx = 0;
    while (written < rows) {
      int size = random.nextInt(8) == 0 ? 10 + random.nextInt(10) : 1 + random.nextInt(4);
      List<ChangeLog.Row> txRows = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        int id = 1 + random.nextInt(5);
        Integer flag = flags.get(id);
        if (flag == null) {
          int value = random.nextInt(2);
          txRows.add(ChangeLog.insert(table, id, value));
          flags.put(id, value);
        } else if (random.nextInt(10) == 0) {
          txRows.add(ChangeLog.delete(table, id, flag));
          flags.remove(id);
        } else {
          txRows.add(ChangeLog.update(table, id, flag, 1 - flag));
          flags.put(id, 1 - flag);
        }
      }
      log.tx(T0 + (tx++ / 4) * 1000L, txRows);
      written += size;
    }
    return log.changes();
  }

  /**
   * What one connector writes: segments separated by crashes; after a crash it resumes from a
   * committed offset at most 12 rows back (possibly inside a transaction, renumbered from 1).
   */
  static List<Out> stream(Random random, SourceSim source, List<Change> changes, boolean dies) {
    List<Out> out = new ArrayList<>();
    int end = dies ? random.nextInt(changes.size()) : changes.size();
    int start = 0;
    while (start < end) {
      int crash = random.nextInt(3) == 0 ? start + 1 + random.nextInt(end - start) : end;
      out.addAll(source.emit(changes, start, crash));
      start = crash == end ? end : Math.max(0, crash - random.nextInt(13));
    }
    return out;
  }
}
