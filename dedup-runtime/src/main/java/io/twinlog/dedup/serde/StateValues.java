package io.twinlog.dedup.serde;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The values kept in the dedup state stores, with a compact binary form for the changelog. */
public final class StateValues {
  private StateValues() {}

  /**
   * How far one source has read one topic-partition: its last first-run position, and the GTID and
   * per-partition ordinal of that event (null/0 without GTIDs).
   */
  public record SourceCursor(BinlogPosition position, String gtid, int ordinal) {}

  /**
   * A GTID mark of one table-partition and domain (completed, or newest emitted); {@code ordinal}
   * is kept for the stored format and is 0.
   */
  public record Watermark(long seq, int ordinal, String gtid) {}

  /**
   * A change identified by content (no GTID): its commit time (the window store's timestamp), how
   * many occurrences were emitted, and how many each source delivered.
   */
  public record ContentEntry(long commitTs, int emitted, Map<String, Integer> occurrences) {
    public int occurrences(String source) {
      return occurrences.getOrDefault(source, 0);
    }
  }

  /** The one snapshot row emitted for a key: which source sent it and its {@code ts_ms}. */
  public record SnapshotEntry(String source, long tsMs) {}

  /**
   * A change's exact position (see {@link ExactPosition}) and commit time: a key's last emitted
   * change, with the source whose copy went out (named when a later source shows that one skipped a
   * change) and the hash of its after image (a snapshot row showing the same row is not a new
   * change); or the newest change a source delivered of a table-partition, or a held record's.
   */
  public record PositionMark(
      String history,
      String domain,
      long major,
      long minor,
      long tsMs,
      String source,
      long afterImage) {
    public static PositionMark of(ExactPosition p, long tsMs, String source, long afterImage) {
      return new PositionMark(
          p.history(), p.domain(), p.major(), p.minor(), tsMs, source, afterImage);
    }

    /** A PostgreSQL-only mark of the first format, or a commit time alone. */
    public static PositionMark ofCommit(long tsMs) {
      return new PositionMark("", "", Long.MIN_VALUE, 0, tsMs, "", 0);
    }
  }

  public static byte[] encode(PositionMark m) {
    return write(
        out -> {
          // The first format's fields (a PostgreSQL key mark: lsn, commit time, source, image)
          // first, so values stored by it read as marks without a history.
          out.writeLong(m.major());
          out.writeLong(m.tsMs());
          out.writeUTF(m.source());
          out.writeLong(m.afterImage());
          out.writeUTF(m.history());
          out.writeUTF(m.domain());
          out.writeLong(m.minor());
        });
  }

  public static PositionMark decodePositionMark(byte[] bytes) {
    return read(
        bytes,
        in -> {
          long major = in.readLong();
          long ts = in.readLong();
          String source = in.readUTF();
          long image = in.readLong();
          if (in.available() == 0) {
            return new PositionMark("", "", major, 0, ts, source, image);
          }
          return new PositionMark(
              in.readUTF(), in.readUTF(), major, in.readLong(), ts, source, image);
        });
  }

  public static byte[] encode(SourceCursor c) {
    return write(
        out -> {
          out.writeUTF(c.position().file());
          out.writeLong(c.position().pos());
          out.writeInt(c.position().row());
          out.writeUTF(c.gtid() == null ? "" : c.gtid());
          out.writeInt(c.ordinal());
        });
  }

  public static SourceCursor decodeCursor(byte[] bytes) {
    return read(
        bytes,
        in -> {
          BinlogPosition position = new BinlogPosition(in.readUTF(), in.readLong(), in.readInt());
          String gtid = in.readUTF();
          return new SourceCursor(position, gtid.isEmpty() ? null : gtid, in.readInt());
        });
  }

  public static byte[] encode(Watermark w) {
    return write(
        out -> {
          out.writeLong(w.seq());
          out.writeInt(w.ordinal());
          out.writeUTF(w.gtid());
        });
  }

  public static Watermark decodeWatermark(byte[] bytes) {
    return read(bytes, in -> new Watermark(in.readLong(), in.readInt(), in.readUTF()));
  }

  public static byte[] encode(ContentEntry e) {
    return write(
        out -> {
          out.writeLong(e.commitTs());
          out.writeInt(e.emitted());
          out.writeByte(e.occurrences().size());
          for (Map.Entry<String, Integer> o : e.occurrences().entrySet()) {
            out.writeUTF(o.getKey());
            out.writeInt(o.getValue());
          }
        });
  }

  public static ContentEntry decodeContent(byte[] bytes) {
    return read(
        bytes,
        in -> {
          long first = in.readLong();
          int emitted = in.readInt();
          int n = in.readByte();
          Map<String, Integer> occurrences = new LinkedHashMap<>();
          for (int i = 0; i < n; i++) {
            occurrences.put(in.readUTF(), in.readInt());
          }
          return new ContentEntry(first, emitted, occurrences);
        });
  }

  public static byte[] encode(SnapshotEntry s) {
    return write(
        out -> {
          out.writeUTF(s.source());
          out.writeLong(s.tsMs());
        });
  }

  public static SnapshotEntry decodeSnapshot(byte[] bytes) {
    return read(bytes, in -> new SnapshotEntry(in.readUTF(), in.readLong()));
  }

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private interface Reader<T> {
    T read(DataInputStream in) throws IOException;
  }

  private static byte[] write(Writer writer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(32);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writer.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static <T> T read(byte[] bytes, Reader<T> reader) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      return reader.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt dedup state value", e);
    }
  }
}
