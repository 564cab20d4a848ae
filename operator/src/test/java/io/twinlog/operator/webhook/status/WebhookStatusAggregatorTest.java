package io.twinlog.operator.webhook.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.twinlog.operator.api.v1alpha1.Condition;
import io.twinlog.operator.api.v1alpha1.KafkaSpec;
import io.twinlog.operator.api.v1alpha1.webhook.ErpWebhook;
import io.twinlog.operator.api.v1alpha1.webhook.ErpWebhookSpec;
import io.twinlog.operator.api.v1alpha1.webhook.ErpWebhookStatus;
import io.twinlog.operator.api.v1alpha1.webhook.ReceiverSpec;
import io.twinlog.operator.api.v1alpha1.webhook.ReceiverTlsSpec;
import io.twinlog.operator.health.ConnectorHealth;
import io.twinlog.operator.health.RestartDecision;
import io.twinlog.operator.health.RestartHistory;
import io.twinlog.operator.health.RestartPolicy;
import io.twinlog.operator.health.TaskHealth;
import io.twinlog.operator.observe.DeadLetterReading;
import io.twinlog.operator.status.SinkObservation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
  void theEndpointIsHttpsWhenTheReceiverServesTlsItself() {
    ErpWebhook webhook = webhook();
    ReceiverSpec receiver = new ReceiverSpec();
    ReceiverTlsSpec tls = new ReceiverTlsSpec();
    tls.setSecretName("erp-webhook-tls");
    receiver.setTls(tls);
    webhook.getSpec().setReceiver(receiver);
    ErpWebhookStatus status =
        WebhookStatusAggregator.aggregate(
            webhook, new WebhookObservation(2, 2, 2, 2, "RUNNING"), null, T1);
    assertThat(status.getEndpoint()).isEqualTo("https://erp-invoices-webhook.shop.svc/webhook");
  }

  @Test
  void aMissingSecretIsTheReasonOnlyWhileThePartThatReadsItIsDown() {
    WebhookObservation noReceiver =
        new WebhookObservation(0, 2, null, 2, null, null)
            .withMissingSecrets(List.of("erp-webhook-tls"), List.of("shop-api-token"));
    ErpWebhookStatus status = WebhookStatusAggregator.aggregate(webhook(), noReceiver, null, T1);
    assertThat(ready(status).getReason()).isEqualTo("SecretMissing");
    assertThat(ready(status).getMessage())
        .isEqualTo(
            "The Secret erp-webhook-tls does not exist in the ErpWebhook's namespace: create it and"
                + " the receiver pods start. 0/2 receivers, 0/2 dedup, sink unknown");

    // Receivers running (the Secret was deleted after they mounted it): not reported for them;
    // the sink is down and reads a missing Secret.
    WebhookObservation sinkDown =
        new WebhookObservation(2, 2, 2, 2, "FAILED", null)
            .withMissingSecrets(List.of("erp-webhook-tls"), List.of("shop-ca", "shop-api-token"));
    Condition sink = ready(WebhookStatusAggregator.aggregate(webhook(), sinkDown, null, T1));
    assertThat(sink.getReason()).isEqualTo("SecretMissing");
    assertThat(sink.getMessage())
        .startsWith(
            "The Secrets shop-ca, shop-api-token do not exist in the ErpWebhook's namespace:"
                + " create them and the sink connector can start.");

    WebhookObservation running =
        new WebhookObservation(2, 2, 2, 2, "RUNNING", null)
            .withMissingSecrets(List.of("erp-webhook-tls"), List.of("shop-api-token"));
    assertThat(ready(WebhookStatusAggregator.aggregate(webhook(), running, null, T1)).getReason())
        .isEqualTo("Delivering");
  }

  @Test
  void theSinkBlockCarriesTheRestartsAndWhyItDoesNotDeliverAndOutlivesAFailedReconciliation() {
    ConnectorHealth failed =
        new ConnectorHealth(
            ConnectorHealth.RUNNING,
            List.of(
                new TaskHealth(0, ConnectorHealth.FAILED, "java.net.ConnectException: refused")),
            null,
            null,
            false);
    RestartDecision decision =
        new RestartPolicy(Duration.ofSeconds(10), Duration.ofMinutes(10), null)
            .decide(failed, new RestartHistory(2, 0, T1), T2);
    assertThat(decision).isInstanceOf(RestartDecision.Restart.class);
    WebhookObservation seen =
        new WebhookObservation(
            2,
            2,
            2,
            2,
            WebhookObservation.sinkState(failed),
            new SinkObservation("erp-invoices-webhook-sink", failed, decision));

    ErpWebhookStatus status = WebhookStatusAggregator.aggregate(webhook(), seen, null, T2);
    assertThat(ready(status).getReason()).isEqualTo("SinkNotRunning");
    assertThat(status.getSink().getConnectorName()).isEqualTo("erp-invoices-webhook-sink");
    assertThat(status.getSink().getRestarts()).isEqualTo(3);
    assertThat(status.getSink().getConsecutiveRestarts()).isEqualTo(1);
    assertThat(status.getSink().getLastRestartTime()).isEqualTo(T2.toString());
    assertThat(status.getSink().getReason()).isNotBlank();

    ErpWebhookStatus afterError =
        WebhookStatusAggregator.failed(webhook(), "refused", status, T2.plusSeconds(1));
    assertThat(afterError.getSink()).isEqualTo(status.getSink());
    assertThat(
            WebhookStatusAggregator.aggregate(
                    webhook(), new WebhookObservation(2, 2, 2, 2, null), status, T2)
                .getSink())
        .as("before the connector exists again, the last block stands")
        .isEqualTo(status.getSink());
  }

  @Test
  void deadLettersReadFromTheTopicFillTheCountAndTheSinkBlock() {
    ConnectorHealth running =
        new ConnectorHealth(
            ConnectorHealth.RUNNING,
            List.of(new TaskHealth(0, ConnectorHealth.RUNNING, null)),
            null,
            null,
            false);
    RestartDecision decision =
        new RestartPolicy(Duration.ofSeconds(10), Duration.ofMinutes(10), null)
            .decide(running, RestartHistory.none(), T1);
    SinkObservation sink =
        new SinkObservation(
            "erp-invoices-webhook-sink",
            running,
            decision,
            "shop.erp-invoices.webhooks.dlq",
            new DeadLetterReading(3, T1, "ERP answered 422: unknown invoice"));
    ErpWebhookStatus status =
        WebhookStatusAggregator.aggregate(
            webhook(), new WebhookObservation(2, 2, 2, 2, "RUNNING", sink), null, T2);
    assertThat(status.getDeadLetters()).isEqualTo(3L);
    assertThat(status.getSink().getDeadLetters().getTopic())
        .isEqualTo("shop.erp-invoices.webhooks.dlq");
    assertThat(status.getSink().getDeadLetters().getLastError())
        .isEqualTo("ERP answered 422: unknown invoice");
    assertThat(ready(status).getReason())
        .as("a dead letter is not a failure")
        .isEqualTo("Delivering");
    // Not read yet (an operator restart): the last count stands.
    SinkObservation unread =
        new SinkObservation("erp-invoices-webhook-sink", running, decision, "x", null);
    assertThat(
            WebhookStatusAggregator.aggregate(
                    webhook(), new WebhookObservation(2, 2, 2, 2, "RUNNING", unread), status, T2)
                .getDeadLetters())
        .isEqualTo(3L);
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
