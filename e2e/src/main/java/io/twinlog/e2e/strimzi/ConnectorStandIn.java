package io.twinlog.e2e.strimzi;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.strimzi.api.kafka.model.common.Condition;
import io.strimzi.api.kafka.model.common.ConnectorState;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.twinlog.testkit.ConnectRest;
import io.twinlog.testkit.ConnectRest.ConnectorStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TEST CODE standing in for the KafkaConnector part of Strimzi's Cluster Operator (1.2), which
 * cannot run here. It imitates Strimzi's behaviour, not its code; {@link StrimziStandIn} decides
 * when it runs, the way Strimzi does: on every watch event of a KafkaConnector (ADDED, MODIFIED,
 * DELETED, including the status writes that Strimzi and others make) and on the periodic full
 * reconciliation ({@code STRIMZI_FULL_RECONCILIATION_INTERVAL_MS}, 120 s by default). Nothing else
 * copies Connect's status into the resource: a task that fails while nobody touches its
 * KafkaConnector shows in {@code status.connectorStatus} only at the next full reconciliation.
 *
 * <p>One reconciliation of one connector, in Strimzi's order: read its config from Connect; absent
 * (404): create it in {@code spec.state} (KIP-980 {@code initial_state}); config differs: PUT it
 * and apply {@code spec.state}; config equal: apply {@code spec.state}
 * (RUNNING/PAUSED/STOPPED/FAILED transitions as Strimzi makes them, UNASSIGNED and RESTARTING left
 * alone), the {@code strimzi.io/connector-offsets} annotation ({@code list} into {@code
 * spec.listOffsets.toConfigMap}, {@code alter} from {@code spec.alterOffsets.fromConfigMap}, {@code
 * reset}; only on a STOPPED connector; key {@code offsets.json}), {@code strimzi.io/restart}
 * (values per Strimzi: {@code true}, or {@code includeTasks} and/or {@code onlyFailed}; any {@code
 * false} means none; other values are refused with a warning condition) and {@code
 * strimzi.io/restart-task=<id>}, each annotation removed once acted on. Then Connect's status is
 * read and written to {@code status.connectorStatus}, with {@code Ready} or {@code NotReady} (a
 * failed connector or task, or the REST error), {@code tasksMax} and {@code observedGeneration},
 * only when it differs from what is there (ignoring {@code lastTransitionTime}, as Strimzi's
 * StatusDiff does). A full reconciliation also deletes connectors Connect runs that no
 * KafkaConnector declares; a DELETED event deletes that connector at once. Offsets: {@link
 * ConnectorOffsets}; the status write: {@link ConnectorStatusWriter}.
 *
 * <p>Left out, on purpose: {@code strimzi.io/cluster} and namespaces (one Connect cluster serves
 * every namespace here), {@code spec.autoRestart} (Twinlog never enables it), {@code
 * status.topics}, {@code strimzi.io/pause-reconciliation}, the 10 s lock timeout after which
 * Strimzi drops an event (events here wait in order on one thread, which also serialises
 * reconciliations the way Strimzi's per-Connect-cluster lock does), and the KafkaConnect resource's
 * own reconciliation.
 */
public final class ConnectorStandIn {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectorStandIn.class);

  /** Strimzi's restart annotation. */
  public static final String RESTART = "strimzi.io/restart";

  /** Strimzi's task restart annotation. */
  public static final String RESTART_TASK = "strimzi.io/restart-task";

  /** Strimzi's offsets annotation: {@code list}, {@code alter} or {@code reset}. */
  public static final String CONNECTOR_OFFSETS = ConnectorOffsets.ANNOTATION;

  /** Strimzi retries reading a just-created connector's status on 404: 200 ms doubling, 10x. */
  private static final Duration STATUS_BACKOFF = Duration.ofMillis(200);

  private static final int STATUS_ATTEMPTS = 10;

  private final KubernetesClient client;
  private final ConnectRest connect;
  private final Clock clock;
  private final List<RestartDone> restarts = new CopyOnWriteArrayList<>();
  private final Set<String> held = ConcurrentHashMap.newKeySet();
  private final Map<String, String> lastErrors = new ConcurrentHashMap<>();
  private final ConnectorStatusWriter statusWriter;
  private final ConnectorOffsets offsets;
  private volatile Runnable onRelease = () -> {};

  /** A restart the stand-in performed because of an annotation. */
  public record RestartDone(String namespace, String connector, String annotation, Instant at) {}

  public ConnectorStandIn(KubernetesClient client, ConnectRest connect, Clock clock) {
    this.client = client;
    this.connect = connect;
    this.clock = clock;
    this.statusWriter = new ConnectorStatusWriter(client, clock);
    this.offsets = new ConnectorOffsets(client, connect, statusWriter);
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

  /**
   * Ends {@link #hold} and reconciles the connector's resources at once, as the edit of a user
   * handing the connector back (a watch event) would make Strimzi do.
   */
  public void release(String connector) {
    held.remove(connector);
    onRelease.run();
  }

  void onRelease(Runnable action) {
    this.onRelease = action;
  }

  /** A watch event: reconcile that one connector (DELETED: remove it from Connect). */
  void onEvent(boolean deleted, KafkaConnector resource) {
    String name = resource.getMetadata().getName();
    if (held.contains(name)) {
      return;
    }
    if (deleted) {
      deleteFromConnect(name);
      return;
    }
    reconcileAndReport(resource);
  }

  /**
   * The periodic full reconciliation: every KafkaConnector reconciled (and its status refreshed),
   * every connector in Connect without a KafkaConnector deleted.
   */
  void fullReconciliation() {
    List<KafkaConnector> resources =
        client.resources(KafkaConnector.class).inAnyNamespace().list().getItems();
    Set<String> wanted = new HashSet<>();
    resources.forEach(r -> wanted.add(r.getMetadata().getName()));
    for (String name : connect.list()) {
      if (!wanted.contains(name) && !held.contains(name)) {
        deleteFromConnect(name);
      }
    }
    for (KafkaConnector resource : resources) {
      if (!held.contains(resource.getMetadata().getName())) {
        reconcileAndReport(resource);
      }
    }
  }

  /** Reconciles every KafkaConnector not held (after {@link #release}). */
  void reconcileAll() {
    client.resources(KafkaConnector.class).inAnyNamespace().list().getItems().stream()
        .filter(r -> !held.contains(r.getMetadata().getName()))
        .forEach(this::reconcileAndReport);
  }

  private void deleteFromConnect(String name) {
    try {
      connect.delete(name);
      LOG.info("deleted connector {} (its KafkaConnector is gone)", name);
    } catch (ConnectRest.ConnectRestException e) {
      if (e.statusCode() != 404) {
        LOG.debug("delete of {} failed: {}", name, e.getMessage());
      }
    }
  }

  private void reconcileAndReport(KafkaConnector resource) {
    String name = resource.getMetadata().getName();
    if (resource.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    List<Condition> warnings = new ArrayList<>();
    try {
      ConnectorStatus status = reconcile(resource, warnings);
      statusWriter.write(resource, status, warnings, ConnectorStatusWriter.failureOf(status));
      lastErrors.remove(name);
    } catch (ConnectRest.ConnectRestException | KubernetesClientException e) {
      String message = String.valueOf(e.getMessage());
      if (!message.equals(lastErrors.put(name, message))) {
        LOG.info("KafkaConnector {} not reconciled: {}", name, message);
      }
      statusWriter.write(resource, null, warnings, message);
    } catch (RuntimeException e) {
      // Connect unreachable and the like: Strimzi reports the error in the status, too.
      statusWriter.write(resource, null, warnings, String.valueOf(e.getMessage()));
    }
  }

  private ConnectorStatus reconcile(KafkaConnector resource, List<Condition> warnings) {
    String name = resource.getMetadata().getName();
    Map<String, String> desired = desiredConfig(resource);
    ConnectorState state =
        Objects.requireNonNullElse(resource.getSpec().getState(), ConnectorState.RUNNING);
    Map<String, String> current;
    try {
      current = connect.config(name);
    } catch (ConnectRest.ConnectRestException e) {
      if (e.statusCode() != 404) {
        throw e;
      }
      if (state == ConnectorState.STOPPED) {
        connect.createConnectorStopped(name, desired);
      } else {
        connect.createConnector(name, desired);
        if (state == ConnectorState.PAUSED) {
          connect.pause(name);
        }
      }
      LOG.info("created connector {} ({})", name, state);
      return statusWithBackoff(name);
    }
    if (!desired.equals(current)) {
      connect.putConfig(name, desired);
      LOG.info("updated config of connector {}", name);
      applyState(name, state, statusWithBackoff(name).state());
      return connect.status(name);
    }
    applyState(name, state, connect.status(name).state());
    if (offsets.manage(resource, warnings)) {
      removeAnnotation(resource, CONNECTOR_OFFSETS);
    }
    restart(resource, warnings);
    restartTask(resource, warnings);
    return statusWithBackoff(name);
  }

  private ConnectorStatus statusWithBackoff(String name) {
    long delay = STATUS_BACKOFF.toMillis();
    for (int attempt = 1; ; attempt++) {
      try {
        return connect.status(name);
      } catch (ConnectRest.ConnectRestException e) {
        if (e.statusCode() != 404 || attempt == STATUS_ATTEMPTS) {
          throw e;
        }
      }
      try {
        Thread.sleep(delay); // Strimzi's own back-off between status reads, not a test wait
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      delay *= 2;
    }
  }

  private void applyState(String name, ConnectorState wanted, String current) {
    switch (current) {
      case "RUNNING" -> {
        if (wanted == ConnectorState.PAUSED) {
          connect.pause(name);
        } else if (wanted == ConnectorState.STOPPED) {
          connect.stop(name);
        }
      }
      case "PAUSED" -> {
        if (wanted == ConnectorState.RUNNING) {
          connect.resume(name);
        } else if (wanted == ConnectorState.STOPPED) {
          connect.stop(name);
        }
      }
      case "STOPPED" -> {
        if (wanted == ConnectorState.RUNNING) {
          connect.resume(name);
        } else if (wanted == ConnectorState.PAUSED) {
          connect.pause(name);
        }
      }
      case "FAILED" -> {
        if (wanted == ConnectorState.STOPPED) {
          connect.stop(name);
        } else if (wanted == ConnectorState.PAUSED) {
          throw new IllegalStateException(
              "Connector " + name + " cannot be paused since it is in failed state.");
        }
      }
      default -> {
        // UNASSIGNED, RESTARTING: transient; Strimzi waits for the next reconciliation.
      }
    }
  }

  private void restart(KafkaConnector resource, List<Condition> warnings) {
    String value = annotation(resource, RESTART);
    if (value == null || value.isBlank() || value.contains("false")) {
      return;
    }
    String name = resource.getMetadata().getName();
    if (!validRestart(value)) {
      warnings.add(statusWriter.warning("RestartConnector", "Invalid annotation format"));
      return;
    }
    try {
      connect.restart(name, value.contains("includeTasks"), value.contains("onlyFailed"));
    } catch (ConnectRest.ConnectRestException e) {
      // Strimzi keeps the annotation and tries again at the next reconciliation.
      warnings.add(
          statusWriter.warning(
              "RestartConnector", "Failed to restart connector " + name + ". " + e));
      return;
    }
    restarts.add(
        new RestartDone(
            resource.getMetadata().getNamespace(), name, RESTART + "=" + value, clock.instant()));
    LOG.info("restarted connector {} ({}={})", name, RESTART, value);
    removeAnnotation(resource, RESTART);
  }

  /** Strimzi's rule: {@code true} alone, or {@code includeTasks}/{@code onlyFailed}, not both. */
  static boolean validRestart(String value) {
    boolean bool = false;
    boolean args = false;
    for (String part : value.split(",")) {
      String v = part.strip();
      if ("true".equalsIgnoreCase(v)) {
        bool = true;
      } else if ("includeTasks".equalsIgnoreCase(v) || "onlyFailed".equalsIgnoreCase(v)) {
        args = true;
      } else {
        return false;
      }
    }
    return bool != args;
  }

  private void restartTask(KafkaConnector resource, List<Condition> warnings) {
    String value = annotation(resource, RESTART_TASK);
    int task;
    try {
      task = value == null ? -1 : Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      task = -1; // Strimzi reads a non-number as "no task"
    }
    if (task < 0) {
      return;
    }
    String name = resource.getMetadata().getName();
    try {
      connect.restartTask(name, task);
    } catch (ConnectRest.ConnectRestException e) {
      warnings.add(
          statusWriter.warning(
              "RestartConnectorTask",
              "Failed to restart connector task " + name + ":" + task + ". " + e));
      return;
    }
    restarts.add(
        new RestartDone(
            resource.getMetadata().getNamespace(),
            name,
            RESTART_TASK + "=" + value,
            clock.instant()));
    LOG.info("restarted task {} of connector {}", task, name);
    removeAnnotation(resource, RESTART_TASK);
  }

  private static String annotation(KafkaConnector resource, String key) {
    Map<String, String> annotations = resource.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
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
}
