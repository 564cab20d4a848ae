package io.twinlog.operator.reconciler;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.PipelineState;
import io.twinlog.operator.api.v1alpha1.SourceSpec;
import io.twinlog.operator.desired.ResourceNames;
import io.twinlog.operator.desired.SourceConnectors;
import io.twinlog.operator.source.Finding;
import io.twinlog.operator.source.WalHeartbeatTarget;
import io.twinlog.operator.source.WalHeartbeatTarget.Server;
import io.twinlog.operator.source.WalHeartbeats;
import io.twinlog.operator.status.ConditionTypes;
import io.twinlog.operator.status.RetentionObservation;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a {@link WalHeartbeats} beat running for every running PostgreSQL pipeline, to the target
 * its spec and credentials give, every {@code heartbeat.interval.ms} of its connectors; and folds
 * the beat's state into the {@code WalRetentionOk} observation. A change of that state triggers a
 * reconciliation through {@link #eventSource()}. MySQL and MariaDB pipelines have no beat.
 */
final class WalHeartbeatSchedule implements AutoCloseable {

  private record Login(String secretVersion, SourceChecks.Credentials credentials) {}

  private final WalHeartbeats heartbeats;
  private final SourceChecks checks;
  private final SimpleInboundEventSource<CdcPipeline> changes =
      new SimpleInboundEventSource<>("wal-heartbeats");
  private final Map<ResourceID, Login> logins = new ConcurrentHashMap<>();

  WalHeartbeatSchedule(WalHeartbeats heartbeats, SourceChecks checks) {
    this.heartbeats = heartbeats;
    this.checks = checks;
  }

  /** The event source through which a changed heartbeat state triggers a reconciliation. */
  SimpleInboundEventSource<CdcPipeline> eventSource() {
    return changes;
  }

  /**
   * Starts, changes or stops the pipeline's beat as its spec says, and returns {@code checked} with
   * the beat's state in its observation. {@code secretVersions} (Secret name to resourceVersion)
   * tells when the credentials must be read again.
   */
  SourceChecks.Seen observe(
      CdcPipeline pipeline,
      SourceChecks.Seen checked,
      Map<String, String> secretVersions,
      Instant now) {
    ResourceID id = ResourceID.fromResource(pipeline);
    if (!beats(pipeline)) {
      forget(id);
      return checked;
    }
    WalHeartbeats.Status status;
    try {
      WalHeartbeatTarget target = target(pipeline, login(pipeline, id, secretVersions));
      Duration every = Duration.ofMillis(SourceConnectors.heartbeatMillis(pipeline));
      status = heartbeats.run(key(id), target, every, () -> changes.propagateEvent(id));
    } catch (IllegalStateException | KubernetesClientException e) {
      // The credentials Secret cannot be read: the source checks report that; a beat started
      // with the last credentials goes on.
      status = heartbeats.status(key(id));
    }
    return checked.withObservation(withHeartbeat(checked.observation(), status, now));
  }

  private SourceChecks.Credentials login(
      CdcPipeline pipeline, ResourceID id, Map<String, String> secretVersions) {
    var credentials = pipeline.getSpec().getSource().getCredentials();
    String version =
        credentials == null || credentials.getSecretName() == null
            ? null
            : secretVersions.get(credentials.getSecretName());
    Login cached = logins.get(id);
    if (cached != null && version != null && version.equals(cached.secretVersion())) {
      return cached.credentials();
    }
    SourceChecks.Credentials read = checks.credentials(pipeline);
    logins.put(id, new Login(version, read));
    return read;
  }

  /** Stops a deleted pipeline's beat. */
  void forget(CdcPipeline pipeline) {
    forget(ResourceID.fromResource(pipeline));
  }

  private void forget(ResourceID id) {
    logins.remove(id);
    heartbeats.stop(key(id));
  }

  /** {@code namespace/name}: how the beat's log lines name the pipeline. */
  private static String key(ResourceID id) {
    return id.getNamespace().orElse("") + "/" + id.getName();
  }

  /** Whether the pipeline gets a WAL heartbeat: it reads PostgreSQL and its connectors run. */
  static boolean beats(CdcPipeline pipeline) {
    SourceSpec source = pipeline.getSpec() == null ? null : pipeline.getSpec().getSource();
    if (source == null || source.getType() == null || source.getType().binlog()) {
      return false;
    }
    // Paused or stopped connectors confirm nothing, so a beat could not move their slots.
    return Objects.requireNonNullElse(pipeline.getSpec().getState(), PipelineState.RUNNING)
        == PipelineState.RUNNING;
  }

  /** Where the pipeline's beat goes: its replicas, captured database and CDC user. */
  static WalHeartbeatTarget target(CdcPipeline pipeline, SourceChecks.Credentials login) {
    SourceSpec source = pipeline.getSpec().getSource();
    return new WalHeartbeatTarget(
        pipeline.getMetadata().getNamespace() + "/" + pipeline.getMetadata().getName(),
        source.getReplicas().stream()
            .map(r -> Server.replica(r.getName(), r.getHost(), source.port(r)))
            .toList(),
        login.user(),
        login.password(),
        source.getInclude().getDatabases().getFirst(),
        ResourceNames.WAL_HEARTBEAT_PREFIX,
        null,
        null,
        login.tls());
  }

  /**
   * {@code WalRetentionOk} with the heartbeat: a failure reported turns it False with reason
   * WalHeartbeatFailed, unless a slot is already lost or at risk (that reason stays, the failure
   * joins the message); a heartbeat written adds where and how often to a True message. A pure
   * function.
   */
  static RetentionObservation withHeartbeat(
      RetentionObservation observation, WalHeartbeats.Status status, Instant now) {
    if (status == null) {
      return observation;
    }
    Optional<Finding> failure = status.reported(now);
    RetentionObservation base = observation == null ? SourceChecks.WAL_NOT_CHECKED : observation;
    if (failure.isPresent()) {
      String message = failure.get().message();
      if (Boolean.FALSE.equals(base.ok())) {
        return new RetentionObservation(
            false,
            base.retentionByReplica(),
            base.worst(),
            base.message() + " " + message,
            base.conditionType(),
            base.reason());
      }
      return new RetentionObservation(
          false,
          base.retentionByReplica(),
          base.worst(),
          base.ok() == null && base.message() != null ? base.message() + " " + message : message,
          ConditionTypes.WAL_RETENTION_OK,
          failure.get().reason().conditionReason());
    }
    String note = status.note();
    if (note != null && Boolean.TRUE.equals(base.ok())) {
      return new RetentionObservation(
          true,
          base.retentionByReplica(),
          base.worst(),
          base.message() + " " + note,
          base.conditionType(),
          base.reason());
    }
    return observation;
  }

  @Override
  public void close() {
    heartbeats.close();
  }
}
