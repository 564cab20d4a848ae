package io.twinlog.operator.webhook.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.twinlog.operator.api.v1alpha1.Condition;
import io.twinlog.operator.api.v1alpha1.KafkaSpec;
import io.twinlog.operator.api.v1alpha1.webhook.ErpWebhook;
import io.twinlog.operator.api.v1alpha1.webhook.ErpWebhookSpec;
import io.twinlog.operator.api.v1alpha1.webhook.ErpWebhookStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WebhookStatusAggregatorTest {
  static final Instant T1 = Instant.parse("2026-12-01T10:00:00Z");
  static final Instant T2 = Instant.parse("2026-12-01T10:05:00Z");

  static ErpWebhook webhook() {
    ErpWebhook webhook = new ErpWebhook();
    webhook.setMetadata(
        new ObjectMetaBuilder()
            .withName("erp-invoices")
            .withNamespace("shop")
            .withGeneration(3L)
            .build());
    ErpWebhookSpec spec = new ErpWebhookSpec();
    KafkaSpec kafka = new KafkaSpec();
    kafka.setCluster("main");
    kafka.setConnectCluster("cdc-connect");
    spec.setKafka(kafka);
    webhook.setSpec(spec);
    return webhook;
  }

  static Condition ready(ErpWebhookStatus status) {
    return status.getConditions().get(0);
  }

  @Test
  void readyWhenEveryPartRunsWithEndpointAndGeneration() {
    ErpWebhookStatus status =
        WebhookStatusAggregator.aggregate(
            webhook(), new WebhookObservation(2, 2, 2, 2, "RUNNING"), null, T1);
    assertThat(ready(status).getStatus()).isEqualTo("True");
    assertThat(ready(status).getReason()).isEqualTo("Delivering");
    assertThat(ready(status).getMessage()).isEqualTo("2/2 receivers, 2/2 dedup, sink RUNNING");
    assertThat(ready(status).getObservedGeneration()).isEqualTo(3L);
    assertThat(ready(status).getLastTransitionTime()).isEqualTo(T1.toString());
    assertThat(status.getEndpoint()).isEqualTo("http://erp-invoices-webhook.shop.svc/webhook");
    assertThat(status.getObservedGeneration()).isEqualTo(3L);
  }

  @Test
  void theFirstBrokenPartInFlowOrderIsTheReason() {
    assertThat(reason(new WebhookObservation(null, 2, null, 2, null)))
        .isEqualTo("ReceiverUnavailable");
    assertThat(reason(new WebhookObservation(0, 2, 2, 2, "RUNNING")))
        .isEqualTo("ReceiverUnavailable");
    assertThat(reason(new WebhookObservation(1, 2, 0, 2, "RUNNING"))).isEqualTo("DedupUnavailable");
    assertThat(reason(new WebhookObservation(1, 2, 1, 2, "FAILED"))).isEqualTo("SinkNotRunning");
    assertThat(reason(new WebhookObservation(1, 2, 1, 2, null))).isEqualTo("SinkNotRunning");
    // One of two receivers is enough to take webhooks: degraded, still Ready.
    assertThat(reason(new WebhookObservation(1, 2, 1, 2, "RUNNING"))).isEqualTo("Delivering");
  }

  @Test
  void transitionTimeMovesOnlyWhenTheStatusDoes() {
    ErpWebhookStatus first =
        WebhookStatusAggregator.aggregate(
            webhook(), new WebhookObservation(2, 2, 2, 2, "RUNNING"), null, T1);
    first.setReceived(42L);
    ErpWebhookStatus same =
        WebhookStatusAggregator.aggregate(
            webhook(), new WebhookObservation(1, 2, 2, 2, "RUNNING"), first, T2);
    assertThat(ready(same).getLastTransitionTime()).isEqualTo(T1.toString());
    assertThat(ready(same).getMessage()).startsWith("1/2 receivers");
    assertThat(same.getReceived()).isEqualTo(42L);
    ErpWebhookStatus broken =
        WebhookStatusAggregator.aggregate(
            webhook(), new WebhookObservation(2, 2, 2, 2, "FAILED"), same, T2);
    assertThat(ready(broken).getStatus()).isEqualTo("False");
    assertThat(ready(broken).getLastTransitionTime()).isEqualTo(T2.toString());
  }

  static String reason(WebhookObservation seen) {
    return ready(WebhookStatusAggregator.aggregate(webhook(), seen, null, T1)).getReason();
  }
}
