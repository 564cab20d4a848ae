package io.twinlog.operator.webhook.desired;

import static io.twinlog.contracts.WebhookReceiverEnv.*;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.twinlog.operator.api.v1alpha1.Durations;
import io.twinlog.operator.api.v1alpha1.webhook.ErpWebhook;
import io.twinlog.operator.api.v1alpha1.webhook.HmacSpec;
import io.twinlog.operator.api.v1alpha1.webhook.ReceiverClientAuth;
import io.twinlog.operator.api.v1alpha1.webhook.ReceiverTlsSpec;
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

  /**
   * Where the receiver's certificate and key ({@code spec.receiver.tls.secretName}) are mounted.
   */
  public static final String TLS_DIR = "/etc/twinlog/webhook-tls";

  /** File names of the mounted certificate chain and key, whatever their keys in the Secret. */
  public static final String TLS_CERT_FILE_NAME = "tls.crt";

  public static final String TLS_KEY_FILE_NAME = "tls.key";

  /** Where the CA bundle of client certificates ({@code clientCaSecretName}) is mounted. */
  public static final String CLIENT_CA_DIR = "/etc/twinlog/webhook-client-ca";

  /** File name of the mounted CA bundle. */
  public static final String CLIENT_CA_FILE_NAME = "ca.crt";

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
    if (spec.getAuth().getType() != WebhookAuthType.CERTIFICATE) {
      // The receiver refuses a secret with type certificate: nothing is mounted then.
      env.put(SECRET_FILE, SECRET_DIR + "/" + SECRET_FILE_NAME);
    }
    tlsEnv(spec.getReceiver().getTls(), env);
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

  /**
   * The TLS keys: paths of the mounted Secret files, never their content (the ConfigMap is not a
   * Secret). Nothing without {@code spec.receiver.tls}: the receiver then serves plain HTTP.
   */
  private static void tlsEnv(ReceiverTlsSpec tls, Map<String, String> env) {
    if (tls == null) {
      return;
    }
    env.put(TLS_CERT_FILE, TLS_DIR + "/" + TLS_CERT_FILE_NAME);
    env.put(TLS_KEY_FILE, TLS_DIR + "/" + TLS_KEY_FILE_NAME);
    env.put(TLS_CLIENT_AUTH, tls.getClientAuth().value());
    if (tls.getClientAuth() != ReceiverClientAuth.NONE) {
      env.put(TLS_CLIENT_CA_FILE, CLIENT_CA_DIR + "/" + CLIENT_CA_FILE_NAME);
      if (!tls.getAllowedSubjects().isEmpty()) {
        env.put(TLS_ALLOWED_SUBJECTS, String.join(";", tls.getAllowedSubjects()));
      }
    }
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
