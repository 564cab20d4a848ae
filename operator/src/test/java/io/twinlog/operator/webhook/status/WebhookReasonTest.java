package io.twinlog.operator.webhook.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class WebhookReasonTest {

  @Test
  void everyReasonForABrokenPartHasARunbookThatNamesIt() throws Exception {
    for (WebhookReason reason :
        new WebhookReason[] {
          WebhookReason.RECEIVER_UNAVAILABLE,
          WebhookReason.DEDUP_UNAVAILABLE,
          WebhookReason.SINK_NOT_RUNNING
        }) {
      Path runbook = Path.of("..").resolve(reason.runbook());
      assertThat(runbook).as(reason.value()).isRegularFile();
      assertThat(Files.readString(runbook)).startsWith("# " + reason.value() + " (ErpWebhook)");
    }
  }
}
