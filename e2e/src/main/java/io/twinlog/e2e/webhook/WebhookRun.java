package io.twinlog.e2e.webhook;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.twinlog.contracts.WebhookReceiverEnv;
import io.twinlog.e2e.erp.ErpRequest;
import io.twinlog.e2e.stack.E2eStack;
import io.twinlog.e2e.stack.PodProcess;
import io.twinlog.operator.api.v1alpha1.Condition;
import io.twinlog.operator.api.v1alpha1.webhook.ErpWebhook;
import io.twinlog.operator.webhook.desired.WebhookNames;
import io.twinlog.operator.webhook.status.WebhookStatusAggregator;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * TEST CODE: one ErpWebhook applied to the e2e stack as a user would (its Secrets, then the
 * resource), whose receiver and dedup pods are the operator's own Deployments run by the stack's
 * pod stand-in, whose sink is the KafkaConnector on real Connect, and whose "system" is the ERP
 * stand-in's HTTP server.
 */
public final class WebhookRun implements AutoCloseable {
  /** The HMAC secret the ERP and the receivers share. */
  public static final String SECRET = "e2e-webhook-signing-secret";

  private final E2eStack stack;
  private final ErpWebhook webhook;
  private final ErpWebhookClient erp = new ErpWebhookClient(SECRET, Clock.systemUTC());
  private final Map<String, Instant> acknowledged = new ConcurrentHashMap<>();
  private List<URI> endpoints = List.of();
  private Instant endpointsSeenAt;

  private WebhookRun(E2eStack stack, ErpWebhook webhook) {
    this.stack = stack;
    this.webhook = webhook;
  }

  /** Creates the namespace, the two Secrets and the ErpWebhook. */
  public static WebhookRun apply(E2eStack stack, String namespace) {
    stack.prepareNamespace(namespace);
    stack.putSecret(namespace, "erp-webhook", Map.of("secret", SECRET));
    stack.putSecret(namespace, "system-token", Map.of("token", "e2e-system-token"));
    KubernetesClient client = stack.kubernetes().client();
    ErpWebhook webhook =
        client
            .getKubernetesSerialization()
            .unmarshal(
                """
                apiVersion: cdc.twinlog.io/v1alpha1
                kind: ErpWebhook
                metadata: {name: erp-invoices, namespace: %s}
                spec:
                  kafka: {cluster: main, connectCluster: cdc-connect, bootstrapServers: "%s"}
                  receiver: {replicas: 2, path: /webhooks/erp}
                  auth: {type: hmac, secretName: erp-webhook}
                  event: {id: /id, entityKey: /invoice/number}
                  topic: {partitions: 3}
                  delivery:
                    url: "%s"
                    auth: {type: bearer, secretName: system-token, tokenKey: token}
                """
                    .formatted(namespace, stack.kafka().bootstrapServers(), stack.erp().url()),
                ErpWebhook.class);
    return new WebhookRun(stack, client.resource(webhook).create());
  }

  /** The resource as the API server holds it now. */
  public ErpWebhook current() {
    return stack.kubernetes().client().resource(webhook).get();
  }

  /** Its Ready condition, or null before the first status. */
  public Condition ready() {
    ErpWebhook now = current();
    return now == null ? null : WebhookStatusAggregator.ready(now.getStatus());
  }

  public String receiverDeployment() {
    return WebhookNames.receiver(webhook);
  }

  public String dedupDeployment() {
    return WebhookNames.dedup(webhook);
  }

  public List<PodProcess> receivers() {
    return stack.pods().pods(webhook.getMetadata().getNamespace(), receiverDeployment());
  }

  /**
   * What the Service routes to: the receivers that passed their readiness probe, as last seen. As
   * unfriendly as a cluster: a pod that died stays in the Service's endpoints until its probe
   * failed {@code failureThreshold} times, {@code periodSeconds} apart (the Deployment's own
   * probe), so the ERP's calls keep reaching it meanwhile and fail.
   */
  public synchronized List<URI> readyEndpoints() {
    Instant now = Instant.now();
    if (endpointsSeenAt == null || now.isAfter(endpointsSeenAt.plus(endpointsLag()))) {
      List<URI> ready = new ArrayList<>();
      for (PodProcess pod : receivers()) {
        if (pod.ready()) {
          ready.add(endpoint(pod));
        }
      }
      endpoints = List.copyOf(ready);
      endpointsSeenAt = now;
    }
    return endpoints;
  }

  private Duration endpointsLag() {
    var probe =
        stack
            .kubernetes()
            .client()
            .apps()
            .deployments()
            .inNamespace(webhook.getMetadata().getNamespace())
            .withName(receiverDeployment())
            .get()
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getReadinessProbe();
    return Duration.ofSeconds((long) probe.getPeriodSeconds() * probe.getFailureThreshold());
  }

  /** A receiver pod's own URL (its port, the webhook's path). */
  public URI endpoint(PodProcess pod) {
    return URI.create(
        "http://127.0.0.1:"
            + pod.env().get(WebhookReceiverEnv.PORT)
            + webhook.getSpec().getReceiver().getPath());
  }

  public ErpWebhookClient erp() {
    return erp;
  }

  /** The body of event {@code seq} of an invoice. */
  public static String body(String eventId, String invoice, int seq) {
    return "{\"id\":\"%s\",\"invoice\":{\"number\":\"%s\",\"seq\":%d}}"
        .formatted(eventId, invoice, seq);
  }

  /** Delivers as the ERP does (until a 2xx) and notes when it was acknowledged. */
  public void deliver(String eventId, String body, Duration deadline) throws InterruptedException {
    erp.deliver(this::readyEndpoints, body, deadline);
    acknowledged.putIfAbsent(eventId, Instant.now());
  }

  /** The system's accepted requests, by idempotency key (the event id), in arrival order. */
  public Map<String, List<ErpRequest>> acceptedByEventId() {
    Map<String, List<ErpRequest>> byKey = new LinkedHashMap<>();
    for (ErpRequest r : stack.erp().requests()) {
      if (r.accepted()) {
        byKey.computeIfAbsent(r.idempotencyKey(), k -> new ArrayList<>()).add(r);
      }
    }
    return byKey;
  }

  /** From Kafka's acknowledgement (the ERP's 200) to the system's receipt, per event, sorted. */
  public List<Duration> ackToSystem() {
    List<Duration> latencies = new ArrayList<>();
    acceptedByEventId()
        .forEach(
            (id, requests) -> {
              Instant acked = acknowledged.get(id);
              if (acked != null) {
                latencies.add(Duration.between(acked, requests.get(0).receivedAt()));
              }
            });
    latencies.sort(null);
    return latencies;
  }

  /** Deletes the ErpWebhook. */
  @Override
  public void close() {
    stack.kubernetes().client().resource(webhook).delete();
  }
}
