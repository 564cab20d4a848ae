package io.twinlog.operator.api.v1alpha1.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.twinlog.operator.api.v1alpha1.ErpSinkSpec;
import io.twinlog.operator.api.v1alpha1.KafkaSpec;
import io.twinlog.operator.api.v1alpha1.RestartPolicySpec;
import lombok.Getter;
import lombok.Setter;

/** What an {@link ErpWebhook} declares. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.auth) || !has(self.auth.type) || self.auth.type != 'certificate'"
            + " || (has(self.receiver) && has(self.receiver.tls)"
            + " && has(self.receiver.tls.clientAuth) && self.receiver.tls.clientAuth == 'required')",
    message =
        "auth.type certificate needs receiver.tls with clientAuth: required (the client"
            + " certificate is then the only authentication)")
@Setter
public class ErpWebhookSpec {

  @JsonPropertyDescription(
      "The Strimzi Kafka and KafkaConnect the webhooks go through (the KafkaConnect needs the"
          + " Twinlog ERP sink plugin and the 'secrets' config provider). Plain listeners only"
          + " for now: tls and authentication are CdcPipeline features so far.")
  @Required
  @ValidationRule(
      value = "!has(self.tls) && !has(self.authentication)",
      message = "an ErpWebhook does not support Kafka tls or authentication yet (a plain listener)")
  @Getter
  private KafkaSpec kafka;

  @JsonPropertyDescription(
      "Where the ERP's webhooks arrive: the receiver pods. Default: {} (each field at its default).")
  @Default("{}")
  private ReceiverSpec receiver;

  @JsonPropertyDescription(
      "How the receiver tells the ERP's requests from anyone else's: a shared secret (hmac,"
          + " bearer) or the client certificate (certificate, with receiver.tls).")
  @Required
  @ValidationRule(
      value = "!has(self.type) || self.type == 'hmac' || !has(self.hmac)",
      message = "hmac settings apply only when type is hmac")
  @Getter
  private WebhookAuthSpec auth;

  @JsonPropertyDescription(
      "Where the event id and the entity key are in each webhook. Default: {} (each field at its"
          + " default).")
  @Default("{}")
  private WebhookEventSpec event;

  @JsonPropertyDescription(
      "The Kafka topic the receiver writes to (and the dedup output's). Default: {} (each field at"
          + " its default).")
  @Default("{}")
  private WebhookTopicSpec topic;

  @JsonPropertyDescription(
      "The dedup step that keeps one copy of each event id. Default: {} (each field at its"
          + " default).")
  @Default("{}")
  private WebhookDedupSpec dedup;

  @JsonPropertyDescription(
      "Delivery to the system: the same HTTP settings as a CdcPipeline's spec.sink.erp; the event"
          + " id is the Idempotency-Key and the body is sent as the ERP sent it. The dead-letter"
          + " topic defaults to <namespace>.<name>.webhooks.dlq.")
  @Required
  @ValidationRule(
      value =
          "!has(self.auth) || !has(self.auth.type) || self.auth.type == 'none' ||"
              + " has(self.auth.secretName)",
      message = "auth.secretName is required when auth.type is bearer or basic")
  @Getter
  private ErpSinkSpec delivery;

  @JsonPropertyDescription(
      "How Twinlog restarts the sink connector when it fails, as for a CdcPipeline (stallAfter does"
          + " not apply: only sources are watched for silence). Default: {} (each field at its"
          + " default).")
  @Default("{}")
  private RestartPolicySpec restartPolicy;

  public RestartPolicySpec getRestartPolicy() {
    return restartPolicy == null ? new RestartPolicySpec() : restartPolicy;
  }

  public ReceiverSpec getReceiver() {
    return receiver == null ? new ReceiverSpec() : receiver;
  }

  public WebhookEventSpec getEvent() {
    return event == null ? new WebhookEventSpec() : event;
  }

  public WebhookTopicSpec getTopic() {
    return topic == null ? new WebhookTopicSpec() : topic;
  }

  public WebhookDedupSpec getDedup() {
    return dedup == null ? new WebhookDedupSpec() : dedup;
  }
}
