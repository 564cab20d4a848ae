package io.twinlog.e2e.strimzi;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.strimzi.api.kafka.model.common.Condition;
import io.strimzi.api.kafka.model.common.ConditionBuilder;
import io.strimzi.api.kafka.model.common.ConnectorState;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.connector.KafkaConnectorStatus;
import io.twinlog.testkit.ConnectRest;
import io.twinlog.testkit.ConnectRest.ConnectorStatus;
import io.twinlog.testkit.ConnectRest.TaskStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TEST CODE standing in for the KafkaConnector part of Strimzi's Cluster Operator, which cannot run
 * here. Each pass applies every KafkaConnector on the (mock) API server to one Connect worker's
 * REST API the way Strimzi does: create, config update, delete when the resource is gone, {@code
 * spec.state} running|paused|stopped, the {@code strimzi.io/restart} annotation (values per Strimzi
 * proposal 105: {@code true}, {@code includeTasks}, {@code onlyFailed}, combined with commas) and
 * {@code strimzi.io/restart-task=<id>}, both removed once acted on; then writes {@code
 * status.connectorStatus} (Connect's status JSON), {@code status.conditions} (Ready, or NotReady
 * with the REST error) and {@code status.observedGeneration}.
 *
 * <p>Differences from Strimzi, on purpose: it polls (every {@code pass} call, driven by {@link
 * StrimziStandIn}) instead of reconciling every two minutes plus on events, so status follows
 * Connect within about half a second; it ignores {@code strimzi.io/cluster} (one Connect cluster
 * here); no auto-restart, no offsets annotations.
 */
public final class ConnectorStandIn {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectorStandIn.class);

  /** Strimzi's restart annotation. */
  public static final String RESTART = "strimzi.io/restart";

  /** Strimzi's task restart annotation. */
  public static final String RESTART_TASK = "strimzi.io/restart-task";

  private final KubernetesClient client;
  private final ConnectRest connect;
  private final Clock clock;
  private final Set<String> applied = ConcurrentHashMap.newKeySet();
  private final List<RestartDone> restarts = new CopyOnWriteArrayList<>();
  private final Set<String> held = ConcurrentHashMap.newKeySet();
  private final Map<String, String> lastErrors = new ConcurrentHashMap<>();

  /** A restart the stand-in performed because of an annotation. */
  public record RestartDone(String namespace, String connector, String annotation, Instant at) {}

  public ConnectorStandIn(KubernetesClient client, ConnectRest connect, Clock clock) {
    this.client = client;
    this.connect = connect;
    this.clock = clock;
  }

  /** Restarts performed so far (in order), for failure-to-restart figures. */
  public List<RestartDone> restarts() {
    return List.copyOf(restarts);
  }

  /**
   * Leaves a connector alone (no state, config, annotation or status handling) until {@link
   * #release}: a scenario's stand-in for "Strimzi is not reconciling this connector right now", so
   * the scenario can drive that connector through Connect's REST API directly.
   */
  public void hold(String connector) {
    held.add(connector);
  }

  /** Ends {@link #hold}. */
  public void release(String connector) {
    held.remove(connector);
  }

  /** One reconciliation pass over every KafkaConnector. */
  void pass() {
    List<KafkaConnector> resources =
        client.resources(KafkaConnector.class).inAnyNamespace().list().getItems();
    Set<String> wanted = new java.util.HashSet<>();
    List<String> existing = connect.list();
    for (KafkaConnector resource : resources) {
      String name = resource.getMetadata().getName();
      if (resource.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      wanted.add(name);
      if (held.contains(name)) {
        continue;
      }
      try {
        reconcile(resource, existing.contains(name));
      } catch (ConnectRest.ConnectRestException | KubernetesClientException e) {
        String message = String.valueOf(e.getMessage());
        if (!message.equals(lastErrors.put(name, message))) {
          LOG.info("KafkaConnector {} not applied: {}", name, message);
        }
        if (e instanceof ConnectRest.ConnectRestException rest && rest.statusCode() == 400) {
          writeStatus(resource, null, notReady(e.getMessage()));
        }
      }
    }
    for (String name : existing) {
      if (applied.contains(name) && !wanted.contains(name)) {
        try {
          connect.delete(name);
          applied.remove(name);
          LOG.info("deleted connector {} (its KafkaConnector is gone)", name);
        } catch (ConnectRest.ConnectRestException e) {
          LOG.debug("delete of {} failed: {}", name, e.getMessage());
        }
      }
    }
  }

  private void reconcile(KafkaConnector resource, boolean exists) {
    String name = resource.getMetadata().getName();
    Map<String, String> config = desiredConfig(resource);
    ConnectorState state =
        resource.getSpec().getState() == null
            ? ConnectorState.RUNNING
            : resource.getSpec().getState();
    if (!exists) {
      if (state == ConnectorState.STOPPED) {
        connect.createConnectorStopped(name, config);
      } else {
        connect.createConnector(name, config);
      }
      applied.add(name);
      LOG.info("created connector {} ({})", name, state);
      return; // status next pass, once Connect has started it
    }
    applied.add(name);
    if (!config.equals(connect.config(name))) {
      connect.putConfig(name, config);
      LOG.info("updated config of connector {}", name);
    }
    ConnectorStatus status = connect.status(name);
    applyState(name, state, status.state());
    handleAnnotations(resource);
    writeStatus(resource, connect.status(name), ready());
  }

  private void applyState(String name, ConnectorState wanted, String current) {
    switch (wanted) {
      case RUNNING -> {
        if ("PAUSED".equals(current) || "STOPPED".equals(current)) {
          connect.resume(name);
        }
      }
      case PAUSED -> {
        if (!"PAUSED".equals(current)) {
          connect.pause(name);
        }
      }
      case STOPPED -> {
        if (!"STOPPED".equals(current)) {
          connect.stop(name);
        }
      }
    }
  }

  private void handleAnnotations(KafkaConnector resource) {
    Map<String, String> annotations = resource.getMetadata().getAnnotations();
    if (annotations == null) {
      return;
    }
    String name = resource.getMetadata().getName();
    String restart = annotations.get(RESTART);
    if (restart != null) {
      List<String> parts = List.of(restart.split(","));
      boolean includeTasks = parts.contains("includeTasks");
      boolean onlyFailed = parts.contains("onlyFailed");
      if (!parts.contains("false")) {
        connect.restart(name, includeTasks, onlyFailed);
        restarts.add(
            new RestartDone(
                resource.getMetadata().getNamespace(),
                name,
                RESTART + "=" + restart,
                clock.instant()));
        LOG.info("restarted connector {} ({}={})", name, RESTART, restart);
      }
      removeAnnotation(resource, RESTART);
    }
    String task = annotations.get(RESTART_TASK);
    if (task != null) {
      connect.restartTask(name, Integer.parseInt(task.strip()));
      restarts.add(
          new RestartDone(
              resource.getMetadata().getNamespace(),
              name,
              RESTART_TASK + "=" + task,
              clock.instant()));
      LOG.info("restarted task {} of connector {}", task, name);
      removeAnnotation(resource, RESTART_TASK);
    }
  }

  private void removeAnnotation(KafkaConnector resource, String annotation) {
    client
        .resources(KafkaConnector.class)
        .inNamespace(resource.getMetadata().getNamespace())
        .withName(resource.getMetadata().getName())
        .edit(
            kc -> {
              if (kc.getMetadata().getAnnotations() != null) {
                kc.getMetadata().getAnnotations().remove(annotation);
              }
              return kc;
            });
  }

  static Map<String, String> desiredConfig(KafkaConnector resource) {
    Map<String, String> config = new HashMap<>();
    if (resource.getSpec().getConfig() != null) {
      resource.getSpec().getConfig().forEach((k, v) -> config.put(k, String.valueOf(v)));
    }
    config.put("connector.class", resource.getSpec().getClassName());
    if (resource.getSpec().getTasksMax() != null) {
      config.put("tasks.max", resource.getSpec().getTasksMax().toString());
    }
    config.put("name", resource.getMetadata().getName());
    return config;
  }

  /** Connect's {@code GET /connectors/NAME/status} JSON, as Strimzi copies it into the status. */
  static Map<String, Object> connectorStatusJson(ConnectorStatus status) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("name", status.name());
    Map<String, Object> connector = new LinkedHashMap<>();
    connector.put("state", status.state());
    connector.put("worker_id", status.workerId());
    if (status.trace() != null) {
      connector.put("trace", status.trace());
    }
    json.put("connector", connector);
    List<Map<String, Object>> tasks = new ArrayList<>();
    for (TaskStatus task : status.tasks()) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("id", task.id());
      t.put("state", task.state());
      t.put("worker_id", task.workerId());
      if (task.trace() != null) {
        t.put("trace", task.trace());
      }
      tasks.add(t);
    }
    json.put("tasks", tasks);
    json.put("type", status.type());
    return json;
  }

  private Condition ready() {
    return new ConditionBuilder().withType("Ready").withStatus("True").build();
  }

  private Condition notReady(String message) {
    return new ConditionBuilder()
        .withType("NotReady")
        .withStatus("True")
        .withReason("ConnectRestException")
        .withMessage(message)
        .build();
  }

  private void writeStatus(
      KafkaConnector resource, ConnectorStatus connectStatus, Condition condition) {
    KafkaConnector current =
        client
            .resources(KafkaConnector.class)
            .inNamespace(resource.getMetadata().getNamespace())
            .withName(resource.getMetadata().getName())
            .get();
    if (current == null) {
      return;
    }
    KafkaConnectorStatus status = new KafkaConnectorStatus();
    status.setObservedGeneration(
        Objects.requireNonNullElse(current.getMetadata().getGeneration(), 0L));
    if (connectStatus != null) {
      status.setConnectorStatus(connectorStatusJson(connectStatus));
      status.setTasksMax(connectStatus.tasks().size());
    }
    KafkaConnectorStatus previous = current.getStatus();
    String since =
        previous != null
                && previous.getConditions() != null
                && previous.getConditions().stream()
                    .anyMatch(c -> c.getType().equals(condition.getType()))
            ? previous.getConditions().stream()
                .filter(c -> c.getType().equals(condition.getType()))
                .findFirst()
                .orElseThrow()
                .getLastTransitionTime()
            : clock.instant().toString();
    condition.setLastTransitionTime(since);
    status.setConditions(List.of(condition));
    if (previous != null && sameStatus(previous, status)) {
      return;
    }
    current.setStatus(status);
    client.resource(current).updateStatus();
  }

  private static boolean sameStatus(KafkaConnectorStatus a, KafkaConnectorStatus b) {
    return Objects.equals(a.getObservedGeneration(), b.getObservedGeneration())
        && Objects.equals(a.getConnectorStatus(), b.getConnectorStatus())
        && Objects.equals(a.getConditions(), b.getConditions());
  }
}
