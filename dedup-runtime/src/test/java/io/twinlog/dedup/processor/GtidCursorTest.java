package io.twinlog.dedup.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.dedup.serde.BinlogPosition;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The cursor's stored form: what a running pipeline restores after an upgrade. */
class GtidCursorTest {

  @Test
  void roundTripsWithTheGuessedPlace() {
    GtidCursor c = new GtidCursor();
    c.gtid = "0-1-7";
    c.commitTs = 1_767_225_600_000L;
    c.position = new BinlogPosition("mysql-bin.000002", 4711, 1);
    c.mode = GtidCursor.Mode.ALIGNING;
    c.candidates = new int[] {2, 5};
    c.shifts = new long[] {GtidCursor.UNKNOWN, 3};
    c.guessed = true;
    c.highest.put("0", "0-1-7");

    GtidCursor back = GtidCursor.decode(c.encode());

    assertThat(back.gtid).isEqualTo("0-1-7");
    assertThat(back.position).isEqualTo(c.position);
    assertThat(back.candidates).containsExactly(2, 5);
    assertThat(back.shifts).containsExactly(GtidCursor.UNKNOWN, 3L);
    assertThat(back.guessed).isTrue();
    assertThat(back.highest).containsEntry("0", "0-1-7");
  }

  /** A cursor written before the guessed flag existed (format 1) restores as not guessed. */
  @Test
  void aFormatOneCursorRestoresAsNotGuessed() throws IOException {
    GtidCursor c = new GtidCursor();
    c.gtid = "0-1-9";
    c.highest.put("0", "0-1-9");
    byte[] current = c.encode();
    // format 1 is format 2 without its last byte (the guessed flag)
    ByteArrayOutputStream old = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(old)) {
      out.writeByte(1);
      out.write(current, 1, current.length - 2);
    }

    GtidCursor back = GtidCursor.decode(old.toByteArray());

    assertThat(back.gtid).isEqualTo("0-1-9");
    assertThat(back.highest).containsEntry("0", "0-1-9");
    assertThat(back.guessed).isFalse();
  }
}
