package io.twinlog.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DedupAnomalyRecordTest {

  @Test
  void keyIsSourceAndKind() {
    var record = new DedupAnomalyRecord("replica-b", "source-skipped", "m", List.of(), 1L);
    assertThat(record.key()).isEqualTo("replica-b|source-skipped");
  }

  @Test
  void valueIsTheDocumentedJsonObject() {
    var record =
        new DedupAnomalyRecord(
            "replica-b",
            DedupAnomalyRecord.KIND_SOURCE_SKIPPED,
            "stepped \"ahead\"\n",
            List.of("0-1-5", "0-1-9"),
            1767225600000L);
    assertThat(record.toJson())
        .isEqualTo(
            "{\"source\":\"replica-b\",\"kind\":\"source-skipped\","
                + "\"message\":\"stepped \\\"ahead\\\"\\n\",\"gtids\":[\"0-1-5\",\"0-1-9\"],"
                + "\"atMs\":1767225600000}");
  }
}
