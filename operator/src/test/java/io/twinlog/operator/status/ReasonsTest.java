package io.twinlog.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.contracts.DedupAnomalyRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ReasonsTest {

  /** The repository root (tests run in operator/). */
  private static final Path ROOT = Path.of("..");

  @Test
  void everyReasonWithARunbookHasItsFile() {
    assertThat(Reasons.withRunbook())
        .allSatisfy(r -> assertThat(ROOT.resolve(Reasons.runbook(r))).as(r).isRegularFile());
  }

  @Test
  void anomalyKindsBecomeCamelCaseReasonsAndUnknownKindsTheGenericOne() {
    assertThat(Reasons.forAnomalyKind(DedupAnomalyRecord.KIND_SOURCE_SKIPPED))
        .isEqualTo("SourceSkipped");
    assertThat(Reasons.forAnomalyKind(DedupAnomalyRecord.KIND_GTID_NOT_MONOTONIC))
        .isEqualTo("GtidNotMonotonic");
    assertThat(Reasons.forAnomalyKind("something-new")).isEqualTo(Reasons.DEDUP_ANOMALY);
    assertThat(Reasons.runbook("SourceSkipped"))
        .isEqualTo("docs/operations/runbooks/source-skipped.md");
    assertThat(Files.exists(ROOT.resolve("docs/operations/runbooks/source-silent.md"))).isTrue();
  }
}
