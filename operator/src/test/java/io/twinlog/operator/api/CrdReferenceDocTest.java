package io.twinlog.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class CrdReferenceDocTest {

  @Test
  void referenceDocMatchesTheCrd() throws Exception {
    String expected = CrdReferenceDoc.render(CrdExport.exportedYaml());
    if (CrdExport.refreshRequested()) {
      Files.createDirectories(CrdReferenceDoc.COMMITTED.getParent());
      Files.writeString(CrdReferenceDoc.COMMITTED, expected, StandardCharsets.UTF_8);
    }
    String committed =
        Files.exists(CrdReferenceDoc.COMMITTED) ? Files.readString(CrdReferenceDoc.COMMITTED) : "";
    assertThat(committed)
        .as(
            "docs/reference/cdcpipeline.md is stale; refresh it with:%n  %s",
            CrdExport.REFRESH_COMMAND)
        .isEqualTo(expected);
  }

  @Test
  void referenceNamesEveryFieldAndRule() {
    String doc = CrdReferenceDoc.render(CrdExport.exportedYaml());
    assertThat(doc)
        .contains("| `spec.source.replicas[].serverId` | integer |  |")
        .contains("| `spec.source.type` | string | yes |")
        .contains("| `spec.dedup.window` | string |  | `48h` |")
        .contains("replica serverIds must be unique")
        .contains("| READY | `.status.conditions[?(@.type==\"Ready\")].status` |");
  }
}
