package io.twinlog.operator.health;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Realistic Debezium / Kafka Connect failure traces kept as test data files. */
public final class Traces {
  private Traces() {}

  /** The trace in {@code src/test/resources/traces/<name>.txt}. */
  public static String read(String name) {
    try (InputStream in = Traces.class.getResourceAsStream("/traces/" + name + ".txt")) {
      if (in == null) {
        throw new IllegalArgumentException("no trace file " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
