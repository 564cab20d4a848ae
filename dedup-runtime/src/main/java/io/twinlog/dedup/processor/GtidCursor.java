package io.twinlog.dedup.processor;

import io.twinlog.dedup.serde.BinlogPosition;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where one source stands in one table-partition under the GTID rule: the transaction of its last
 * event, and where in that transaction's transcript (the changes the output holds of it, in order)
 * its next event falls, or the positions it may fall at while that is not known yet.
 *
 * <p>Mutable, read and written once per record; kept in the {@code progress} store.
 */
final class GtidCursor {
  static final long UNKNOWN = Long.MIN_VALUE;

  enum Mode {
    /** {@link #next} is the transcript index of the source's next event. */
    ALIGNED,
    /** The source resumed inside the transaction; {@link #candidates} are the possible starts. */
    ALIGNING,
    /** No position in the transcript fits what the source sends: ignored until its next one. */
    LOST
  }

  String gtid;
  long commitTs;
  int lastOrder = -1;
  BinlogPosition position;
  Mode mode = Mode.ALIGNED;
  int next;

  /** Transcript numbering = this source's {@code total_order} + shift, when known. */
  long shift = UNKNOWN;

  /** How many of the transaction's events this source is known to have delivered. */
  int reach;

  /** What this source read of the transaction covers it from its first event. */
  boolean fromStart;

  /** ALIGNING: transcript index of the first event of the current run, per candidate. */
  int[] candidates = new int[0];

  long[] shifts = new long[0];

  /** ALIGNING: events of the current run so far. */
  int run;

  /** Events are held (not decided) until another source tells where the run starts. */
  boolean holding;

  long holdHead;
  long holdTail;
  int holdRun0;
  int holdLastOrder0;
  BinlogPosition holdPosition0;
  long holdSinceMs;
  boolean runEnded;

  /**
   * The current run's place in the transaction was inferred (from how the run ended, or decided
   * alone after the hold time), not matched: what it takes as new is emitted and written into the
   * transcript marked as guessed, for a source whose place is matched to override. Cleared when the
   * source enters another transaction.
   */
  boolean guessed;

  /** Per GTID domain, the GTID with the highest sequence number this source has read. */
  Map<String, String> highest = new LinkedHashMap<>();

  byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(2); // format: 2 added guessed
      out.writeUTF(gtid == null ? "" : gtid);
      out.writeLong(commitTs);
      out.writeInt(lastOrder);
      writePosition(out, position);
      out.writeByte(mode.ordinal());
      out.writeInt(next);
      out.writeLong(shift);
      out.writeInt(reach);
      out.writeBoolean(fromStart);
      out.writeInt(candidates.length);
      for (int i = 0; i < candidates.length; i++) {
        out.writeInt(candidates[i]);
        out.writeLong(shifts[i]);
      }
      out.writeInt(run);
      out.writeBoolean(holding);
      out.writeLong(holdHead);
      out.writeLong(holdTail);
      out.writeInt(holdRun0);
      out.writeInt(holdLastOrder0);
      writePosition(out, holdPosition0);
      out.writeLong(holdSinceMs);
      out.writeBoolean(runEnded);
      out.writeByte(highest.size());
      for (Map.Entry<String, String> e : highest.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeUTF(e.getValue());
      }
      out.writeBoolean(guessed);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static GtidCursor decode(byte[] bytes) {
    GtidCursor c = new GtidCursor();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int format = in.readByte();
      String gtid = in.readUTF();
      c.gtid = gtid.isEmpty() ? null : gtid;
      c.commitTs = in.readLong();
      c.lastOrder = in.readInt();
      c.position = readPosition(in);
      c.mode = Mode.values()[in.readByte()];
      c.next = in.readInt();
      c.shift = in.readLong();
      c.reach = in.readInt();
      c.fromStart = in.readBoolean();
      int n = in.readInt();
      c.candidates = new int[n];
      c.shifts = new long[n];
      for (int i = 0; i < n; i++) {
        c.candidates[i] = in.readInt();
        c.shifts[i] = in.readLong();
      }
      c.run = in.readInt();
      c.holding = in.readBoolean();
      c.holdHead = in.readLong();
      c.holdTail = in.readLong();
      c.holdRun0 = in.readInt();
      c.holdLastOrder0 = in.readInt();
      c.holdPosition0 = readPosition(in);
      c.holdSinceMs = in.readLong();
      c.runEnded = in.readBoolean();
      int domains = in.readByte();
      for (int i = 0; i < domains; i++) {
        c.highest.put(in.readUTF(), in.readUTF());
      }
      c.guessed = format >= 2 && in.readBoolean();
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt dedup cursor", e);
    }
    return c;
  }

  private static void writePosition(DataOutputStream out, BinlogPosition p) throws IOException {
    out.writeBoolean(p != null);
    if (p != null) {
      out.writeUTF(p.file());
      out.writeLong(p.pos());
      out.writeInt(p.row());
    }
  }

  private static BinlogPosition readPosition(DataInputStream in) throws IOException {
    return in.readBoolean() ? new BinlogPosition(in.readUTF(), in.readLong(), in.readInt()) : null;
  }
}
