package io.twinlog.dedup.processor;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;

/** A source record kept unchanged while the runtime cannot yet decide it (key, value, headers). */
record HeldRecord(byte[] key, byte[] value, long timestamp, Headers headers) {

  static HeldRecord of(Record<byte[], byte[]> record) {
    return new HeldRecord(
        record.key(),
        record.value(),
        record.timestamp(),
        new RecordHeaders(record.headers().toArray()));
  }

  Record<byte[], byte[]> toRecord() {
    return new Record<>(key, value, timestamp, headers);
  }

  byte[] encode() {
    ByteArrayOutputStream bytes =
        new ByteArrayOutputStream(64 + (value == null ? 0 : value.length));
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writeBytes(out, key);
      writeBytes(out, value);
      out.writeLong(timestamp);
      Header[] all = headers.toArray();
      out.writeInt(all.length);
      for (Header h : all) {
        out.writeUTF(h.key());
        writeBytes(out, h.value());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static HeldRecord decode(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      byte[] key = readBytes(in);
      byte[] value = readBytes(in);
      long timestamp = in.readLong();
      RecordHeaders headers = new RecordHeaders();
      for (int n = in.readInt(); n > 0; n--) {
        headers.add(in.readUTF(), readBytes(in));
      }
      return new HeldRecord(key, value, timestamp, headers);
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt held record", e);
    }
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b == null ? -1 : b.length);
    if (b != null) {
      out.write(b);
    }
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }
}
