package io.twinlog.operator.webhook.desired;

import static io.twinlog.contracts.WebhookReceiverEnv.*;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.twinlog.operator.api.v1alpha1.Durations;
import io.twinlog.operator.api.v1alpha1.webhook.ErpWebhook;
import io.twinlog.operator.api.v1alpha1.webhook.HmacSpec;
import io.twinlog.operator.api.v1alpha1.webhook.WebhookAuthType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The receiver's and the dedup step's environment (the contract in {@code WebhookReceiverEnv}) as
 * ConfigMaps. Secrets are not in them: the receiver reads its secret from a mounted file.
 */
public final class ReceiverConfig {
  private ReceiverConfig() {}

  /** Where the Secret key is mounted in the receiver container. */
  public static final String SECRET_DIR = "/etc/twinlog/webhook-secret";

  /** File name of the mounted key. */
  public static final String SECRET_FILE_NAME = "secret";

  /** Kafka Streams state of the dedup step (an emptyDir). */
  public static final String STATE_DIR = "/var/lib/twinlog/state";

  /** Container port of the webhooks. */
  public static final int WEBHOOK_PORT = DEFAULT_PORT;

  /** Container port of /metrics, /livez and /readyz. */
  public static final int MANAGEMENT_PORT_NUMBER = DEFAULT_MANAGEMENT_PORT;

  public static Map<String, String> receiverEnv(ErpWebhook webhook) {
    var spec = webhook.getSpec();
    Map<String, String> env = new LinkedHashMap<>();
    env.put(BOOTSTRAP_SERVERS, WebhookNames.bootstrapServers(webhook));
    env.put(NAME, WebhookNames.receiver(webhook));
    env.put(TOPIC, WebhookNames.topic(webhook));
    env.put(PORT, Integer.toString(WEBHOOK_PORT));
    env.put(PATH, spec.getReceiver().getPath());
    env.put(MANAGEMENT_PORT, Integer.toString(MANAGEMENT_PORT_NUMBER));
    env.put(MAX_BODY_BYTES, Integer.toString(spec.getReceiver().getMaxBodyBytes()));
    env.put(ACK_TIMEOUT_MS, Long.toString(Durations.toMillis(spec.getReceiver().getAckTimeout())));
    env.put(AUTH_TYPE, spec.getAuth().getType().value());
    env.put(SECRET_FILE, SECRET_DIR + "/" + SECRET_FILE_NAME);
    if (spec.getAuth().getType() == WebhookAuthType.HMAC) {
      HmacSpec hmac = spec.getAuth().getHmac();
      env.put(SIGNATURE_HEADER, hmac.getSignatureHeader());
      env.put(SIGNATURE_PREFIX, hmac.getSignaturePrefix());
      env.put(SIGNATURE_ENCODING, hmac.getEncoding());
      env.put(TIMESTAMP_HEADER, hmac.getTimestampHeader());
      env.put(SIGNED_CONTENT, hmac.getSignedContent());
      env.put(REPLAY_WINDOW_MS, Long.toString(Durations.toMillis(hmac.getReplayWindow())));
    }
    env.put(EVENT_ID, spec.getEvent().getId());
    env.put(ENTITY_KEY, spec.getEvent().getEntityKey());
    return env;
  }

  public static Map<String, String> dedupEnv(ErpWebhook webhook) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put(BOOTSTRAP_SERVERS, WebhookNames.bootstrapServers(webhook));
    env.put(TOPIC, WebhookNames.topic(webhook));
    env.put(DEDUP_OUTPUT_TOPIC, WebhookNames.dedupTopic(webhook));
    env.put(
        DEDUP_WINDOW_MS,
        Long.toString(Durations.toMillis(webhook.getSpec().getDedup().getWindow())));
    env.put(DEDUP_APPLICATION_ID, WebhookNames.dedupApplicationId(webhook));
    env.put(DEDUP_STATE_DIR, STATE_DIR);
    env.put(MANAGEMENT_PORT, Integer.toString(MANAGEMENT_PORT_NUMBER));
    // Kafka Streams' producer refuses records over 1 MiB by default; the receiver admits more.
    env.put(
        KAFKA_PASSTHROUGH_PREFIX + "PRODUCER_MAX_REQUEST_SIZE",
        Integer.toString(WebhookTopics.maxMessageBytes(webhook)));
    return env;
  }

  static ConfigMap configMap(
      ErpWebhook webhook, String name, String component, Map<String, String> env) {
    return new ConfigMapBuilder()
        .withMetadata(
            WebhookOwnership.metadata(webhook, name, WebhookLabels.of(webhook, component)))
        .withData(env)
        .build();
  }

  /** SHA-256 of the data, keys sorted: on the pod template, so a change rolls the pods. */
  static String hash(Map<String, String> data) {
    String canonical =
        new TreeMap<>(data)
            .entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n"));
    try {
      return java.util.HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("SHA-256")
                  .digest(canonical.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
