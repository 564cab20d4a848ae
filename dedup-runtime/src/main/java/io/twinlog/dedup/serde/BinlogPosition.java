package io.twinlog.dedup.serde;

import java.util.Comparator;

/**
 * Where one source read an event in its replica's binlog: {@code source.file}, {@code source.pos}
 * and {@code source.row}. Meaningless across sources. Debezium gives every event of a transaction
 * the transaction's start position and restarts {@code row} per rows event, so within one source it
 * orders transactions, not the events inside one: see {@link #compareTransaction}.
 */
public record BinlogPosition(String file, long pos, int row) implements Comparable<BinlogPosition> {
  private static final Comparator<BinlogPosition> ORDER =
      Comparator.comparingLong((BinlogPosition p) -> fileIndex(p.file))
          .thenComparing(BinlogPosition::file)
          .thenComparingLong(BinlogPosition::pos)
          .thenComparingInt(BinlogPosition::row);

  /** Binlog files are {@code <basename>.<number>}; the number orders them across rotations. */
  static long fileIndex(String file) {
    int dot = file.lastIndexOf('.');
    if (dot >= 0) {
      try {
        return Long.parseLong(file.substring(dot + 1));
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    return -1;
  }

  /** Orders by transaction only (file and position), ignoring the row. */
  public int compareTransaction(BinlogPosition other) {
    return ORDER.compare(
        new BinlogPosition(file, pos, 0), new BinlogPosition(other.file, other.pos, 0));
  }

  @Override
  public int compareTo(BinlogPosition other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return file + ":" + pos + "#" + row;
  }
}
