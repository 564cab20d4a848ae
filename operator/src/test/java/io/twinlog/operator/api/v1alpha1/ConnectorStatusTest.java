package io.twinlog.operator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.twinlog.operator.health.RestartHistory;
import io.twinlog.operator.status.StatusAggregator;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** One connector status for sources and sinks, and a status written before it still read. */
class ConnectorStatusTest {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  @Test
  void aSourceStatusWrittenBeforeTheRenameIsReadWithItsStateAndRestartHistory() {
    CdcPipelineStatus old =
        JSON.unmarshal(
            """
            {"sources": [{"name": "replica-a", "connectorName": "orders-source-replica-a",
              "connectorState": "FAILED", "restarts": 3, "consecutiveRestarts": 2,
              "lastRestartTime": "2026-12-01T10:00:00Z", "reason": "ConnectorFailed"}],
             "sink": {"connectorName": "orders-sink", "state": "RUNNING", "restarts": 1}}
            """,
            CdcPipelineStatus.class);
    SourceStatus source = old.getSources().get(0);
    assertThat(source.getState()).isEqualTo("FAILED");
    assertThat(StatusAggregator.history(source))
        .isEqualTo(new RestartHistory(3, 2, Instant.parse("2026-12-01T10:00:00Z")));
    assertThat(StatusAggregator.history(old.getSink())).isEqualTo(new RestartHistory(1, 0, null));
    // Written back under the one name both share.
    assertThat(JSON.asJson(source))
        .contains("\"state\":\"FAILED\"")
        .doesNotContain("connectorState");
  }
}
