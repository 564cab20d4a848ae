package io.twinlog.e2e.strimzi;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.strimzi.api.kafka.model.common.Condition;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.twinlog.testkit.ConnectRest;
import io.twinlog.testkit.ConnectRest.ConnectorOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TEST CODE: Strimzi's {@code strimzi.io/connector-offsets} handling for the {@link
 * ConnectorStandIn}: {@code list} writes Connect's offsets into {@code
 * spec.listOffsets.toConfigMap}, {@code alter} sends {@code spec.alterOffsets.fromConfigMap}'s to
 * Connect, {@code reset} deletes them; alter and reset only on a STOPPED connector; key {@link
 * #OFFSETS_KEY}.
 */
final class ConnectorOffsets {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectorOffsets.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Strimzi's offsets annotation: {@code list}, {@code alter} or {@code reset}. */
  static final String ANNOTATION = "strimzi.io/connector-offsets";

  /** The ConfigMap key Strimzi lists offsets into and alters them from (KafkaConnector). */
  static final String OFFSETS_KEY = "offsets.json";

  private final KubernetesClient client;
  private final ConnectRest connect;
  private final ConnectorStatusWriter status;

  ConnectorOffsets(KubernetesClient client, ConnectRest connect, ConnectorStatusWriter status) {
    this.client = client;
    this.connect = connect;
    this.status = status;
  }

  /**
   * Acts on the annotation, if any; true when it was done (the caller removes it), false when
   * absent or failed (a warning says why; Strimzi repeats it at the next reconciliation).
   */
  boolean manage(KafkaConnector resource, List<Condition> warnings) {
    Map<String, String> annotations = resource.getMetadata().getAnnotations();
    String operation = annotations == null ? null : annotations.get(ANNOTATION);
    if (operation == null) {
      return false;
    }
    String name = resource.getMetadata().getName();
    String namespace = resource.getMetadata().getNamespace();
    try {
      switch (operation) {
        case "list" -> {
          if (resource.getSpec().getListOffsets() == null) {
            warnings.add(status.warning("ListOffsets", "missing property listOffsets"));
            return false;
          }
          String configMap = resource.getSpec().getListOffsets().getToConfigMap().getName();
          String offsets = JSON.writeValueAsString(Map.of("offsets", connect.offsets(name)));
          writeOffsetsConfigMap(resource, configMap, offsets);
        }
        case "alter" -> {
          if (resource.getSpec().getAlterOffsets() == null) {
            warnings.add(status.warning("AlterOffsets", "missing property alterOffsets"));
            return false;
          }
          requireStopped(name);
          String configMap = resource.getSpec().getAlterOffsets().getFromConfigMap().getName();
          ConfigMap source = client.configMaps().inNamespace(namespace).withName(configMap).get();
          if (source == null || source.getData() == null) {
            throw new IllegalStateException(
                "ConfigMap " + namespace + "/" + configMap + " missing");
          }
          Map<String, List<ConnectorOffset>> parsed =
              JSON.readValue(source.getData().get(OFFSETS_KEY), new TypeReference<>() {});
          connect.alterOffsets(name, parsed.get("offsets"));
        }
        case "reset" -> {
          requireStopped(name);
          connect.resetOffsets(name);
        }
        default -> {
          warnings.add(status.warning("ManageOffsets", "unknown value " + operation));
          return false;
        }
      }
      LOG.info("{} offsets of connector {}", operation, name);
      return true;
    } catch (Exception e) {
      // Strimzi keeps the annotation and repeats the operation at the next reconciliation.
      warnings.add(status.warning("ManageOffsets", "Encountered error: " + e.getMessage()));
      return false;
    }
  }

  private void requireStopped(String name) {
    if (!"STOPPED".equals(connect.status(name).state())) {
      throw new IllegalStateException("Connector is not in STOPPED state");
    }
  }

  /**
   * As Strimzi: a ConfigMap it creates gets an owner reference to the KafkaConnector (not a
   * controller, not blocking deletion), so deleting the connector lets the garbage collector take
   * it; an existing one gets only its {@code offsets.json} replaced.
   */
  private void writeOffsetsConfigMap(KafkaConnector connector, String name, String offsets) {
    String namespace = connector.getMetadata().getNamespace();
    ConfigMap existing = client.configMaps().inNamespace(namespace).withName(name).get();
    if (existing != null) {
      client
          .configMaps()
          .inNamespace(namespace)
          .withName(name)
          .edit(
              c -> {
                Map<String, String> data = new HashMap<>();
                if (c.getData() != null) {
                  data.putAll(c.getData());
                }
                data.put(OFFSETS_KEY, offsets);
                c.setData(data);
                return c;
              });
      return;
    }
    client
        .configMaps()
        .inNamespace(namespace)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .addNewOwnerReference()
                .withApiVersion(connector.getApiVersion())
                .withKind(connector.getKind())
                .withName(connector.getMetadata().getName())
                .withUid(connector.getMetadata().getUid())
                .withController(false)
                .withBlockOwnerDeletion(false)
                .endOwnerReference()
                .endMetadata()
                .withData(Map.of(OFFSETS_KEY, offsets))
                .build())
        .create();
  }
}
