package io.twinlog.operator.reconciler;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.twinlog.operator.api.v1alpha1.Condition;
import io.twinlog.operator.api.v1alpha1.SinkStatus;
import io.twinlog.operator.api.v1alpha1.webhook.ErpWebhook;
import io.twinlog.operator.api.v1alpha1.webhook.ErpWebhookStatus;
import io.twinlog.operator.desired.ResourceNames;
import io.twinlog.operator.desired.SecretRotation;
import io.twinlog.operator.desired.TopicGate;
import io.twinlog.operator.health.ConnectorHealth;
import io.twinlog.operator.health.RestartDecision;
import io.twinlog.operator.health.RestartHistory;
import io.twinlog.operator.health.RestartPolicy;
import io.twinlog.operator.observe.ConnectStatusWatcher;
import io.twinlog.operator.observe.HeartbeatWatcher;
import io.twinlog.operator.observe.KafkaCluster;
import io.twinlog.operator.status.SinkObservation;
import io.twinlog.operator.status.StatusAggregator;
import io.twinlog.operator.webhook.desired.WebhookNames;
import io.twinlog.operator.webhook.desired.WebhookResources;
import io.twinlog.operator.webhook.desired.WebhookWorkloads;
import io.twinlog.operator.webhook.status.WebhookObservation;
import io.twinlog.operator.webhook.status.WebhookReason;
import io.twinlog.operator.webhook.status.WebhookStatusAggregator;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles an ErpWebhook (docs/concepts/webhooks.md): observe what it owns, decide the desired
 * state ({@link WebhookResources}), act (apply it kind by kind), report (the status from {@link
 * WebhookStatusAggregator}, an Event when Ready changes reason). Each step is a pure function
 * elsewhere or a collaborator shared with the CdcPipeline controller.
 */
@ControllerConfiguration(
    name = ErpWebhookReconciler.NAME,
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = 5, timeUnit = TimeUnit.MINUTES))
public class ErpWebhookReconciler
    implements Reconciler<ErpWebhook>, Cleaner<ErpWebhook>, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ErpWebhookReconciler.class);

  /** Controller name (also the finalizer prefix). */
  public static final String NAME = "erpwebhook";

  /** What an ErpWebhook owns (no KafkaUser: its pods use the Kafka settings of its spec). */
  static final List<Class<? extends HasMetadata>> KINDS =
      List.of(
          KafkaTopic.class,
          ConfigMap.class,
          Service.class,
          PodDisruptionBudget.class,
          Deployment.class,
          KafkaConnector.class);

  private final KubernetesClient client;
  private final Clock clock;
  private final OperatorSettings settings;
  private final EventRecorder events;
  private final Applier applier;
  private final ConnectorRestarter restarter;
  private final SecretReader secrets;
  // Reads each webhook's dead-letter topic (read_committed, from the start) for the status; a new
  // dead letter reconciles its webhook at once.
  private final HeartbeatWatcher deadLetterReader = new HeartbeatWatcher();
  private final SimpleInboundEventSource<ErpWebhook> deadLetterEvents =
      new SimpleInboundEventSource<>("webhook-dead-letters");
  private final ConnectStatuses<ErpWebhook> connectStatuses;
  private OwnedCaches<ErpWebhook> caches;

  public ErpWebhookReconciler(KubernetesClient client, Clock clock, OperatorSettings settings) {
    this.client = client;
    this.clock = clock;
    this.settings = settings;
    this.events = new EventRecorder(client, clock, settings.identity());
    this.applier = new Applier(client);
    this.restarter = new ConnectorRestarter(client, events);
    this.secrets = new SecretReader(client);
    deadLetterReader.onAnomaly(
        owner -> deadLetterEvents.propagateEvent(OwnerKeys.resourceId(owner)));
    // The sink's state from Connect's REST API, as for pipelines: Strimzi refreshes its copy only
    // every two minutes.
    this.connectStatuses =
        new ConnectStatuses<>(
            new ConnectStatusWatcher(
                clock, settings.connectPollInterval(), ConnectStatusWatcher.DEFAULT_MAX_IN_FLIGHT),
            w ->
                ResourceNames.connectApiUrl(
                    w.getMetadata().getNamespace(),
                    w.getSpec().getKafka().getConnectCluster(),
                    settings.connectApiUrl()));
  }

  @Override
  public List<EventSource<?, ErpWebhook>> prepareEventSources(
      EventSourceContext<ErpWebhook> context) {
    caches = OwnedCaches.of(context, ErpWebhook.class, KINDS);
    List<EventSource<?, ErpWebhook>> sources = new ArrayList<>(caches.all());
    sources.add(connectStatuses.eventSource());
    sources.add(deadLetterEvents);
    return sources;
  }

  @Override
  public UpdateControl<ErpWebhook> reconcile(ErpWebhook webhook, Context<ErpWebhook> context) {
    Instant now = clock.instant();
    ErpWebhookStatus previous = webhook.getStatus();

    List<HasMetadata> desired = WebhookResources.desired(webhook, settings.webhookImage());
    Applier.Result applied =
        caches.apply(
            applier,
            TopicGate.hold(
                desired,
                context.getSecondaryResources(KafkaTopic.class),
                context.getSecondaryResources(KafkaConnector.class)),
            context);
    if (applied.created() + applied.updated() + applied.deleted() > 0) {
      LOG.info(
          "{}/{}: created {}, updated {}, deleted {}",
          webhook.getMetadata().getNamespace(),
          webhook.getMetadata().getName(),
          applied.created(),
          applied.updated(),
          applied.deleted());
    }

    WebhookObservation seen =
        observeAndRestart(webhook, previous, desired, context, now)
            .withMissingSecrets(
                missing(webhook, WebhookWorkloads.receiverSecrets(webhook)),
                missing(webhook, SecretRotation.erpSecrets(webhook.getSpec().getDelivery())));
    ErpWebhookStatus status = WebhookStatusAggregator.aggregate(webhook, seen, previous, now);
    announce(webhook, previous, status);
    writeStatus(webhook, previous, status, context);
    UpdateControl<ErpWebhook> control = UpdateControl.noUpdate();
    // A restart waiting for its backoff is due then, whether or not anything else changes.
    Instant recheck = seen.sink() == null ? null : seen.sink().decision().recheckAt();
    PipelineDecisions.Decided.recheckAfter(now, java.util.Collections.singletonList(recheck))
        .ifPresent(control::rescheduleAfter);
    return control;
  }

  /**
   * Ready pods of both Deployments and the sink's state, from the caches and Connect; a failed sink
   * is restarted as spec.restartPolicy says, like a pipeline's.
   */
  private WebhookObservation observeAndRestart(
      ErpWebhook webhook,
      ErpWebhookStatus previous,
      List<HasMetadata> desired,
      Context<ErpWebhook> context,
      Instant now) {
    Set<Deployment> deployments = context.getSecondaryResources(Deployment.class);
    String sinkName = WebhookNames.sinkConnector(webhook);
    KafkaConnector sink =
        context.getSecondaryResources(KafkaConnector.class).stream()
            .filter(c -> sinkName.equals(c.getMetadata().getName()))
            .findFirst()
            .orElse(null);
    ConnectStatuses.Seen connect = connectStatuses.observe(webhook, List.of(sinkName), now);
    SinkStatus before = previous == null ? null : previous.getSink();
    RestartHistory history = StatusAggregator.history(before);
    ConnectorHealth health = PipelineDecisions.health(sink, connect.of(sinkName), history);
    SinkObservation observed = null;
    if (sink != null) {
      RestartDecision decision =
          RestartPolicy.from(webhook.getSpec().getRestartPolicy()).decide(health, history, now);
      restarter.perform(
          webhook,
          "sink",
          sink,
          decision,
          before == null ? null : before.getReason(),
          caches.connectors());
      String deadLetterTopic = WebhookNames.deadLetterTopic(webhook);
      KafkaCluster cluster = KafkaCluster.plain(WebhookNames.operatorBootstrapServers(webhook));
      deadLetterReader.watch(
          OwnerKeys.of(webhook), cluster, List.of(), null, List.of(deadLetterTopic));
      observed =
          new SinkObservation(
              sinkName,
              health,
              decision,
              deadLetterTopic,
              deadLetterReader.deadLetters(cluster, deadLetterTopic).orElse(null));
    }
    return new WebhookObservation(
        ready(deployments, WebhookNames.receiver(webhook)),
        replicas(desired, WebhookNames.receiver(webhook)),
        ready(deployments, WebhookNames.dedup(webhook)),
        replicas(desired, WebhookNames.dedup(webhook)),
        WebhookObservation.sinkState(health),
        observed);
  }

  /**
   * Which of {@code names} do not exist in the webhook's namespace: metadata only, the values are
   * not read (the receiver pods mount the Secrets, the sink resolves its own).
   */
  private List<String> missing(ErpWebhook webhook, Collection<String> names) {
    if (names.isEmpty()) {
      return List.of();
    }
    Set<String> existing = secrets.versions(webhook.getMetadata().getNamespace(), names).keySet();
    return names.stream().filter(n -> !existing.contains(n)).distinct().sorted().toList();
  }

  private static Integer ready(Set<Deployment> deployments, String name) {
    return deployments.stream()
        .filter(d -> name.equals(d.getMetadata().getName()))
        .findFirst()
        .map(d -> d.getStatus() == null ? null : d.getStatus().getReadyReplicas())
        .map(n -> Objects.requireNonNullElse(n, 0))
        .orElse(null);
  }

  private static int replicas(List<HasMetadata> desired, String name) {
    return desired.stream()
        .filter(Deployment.class::isInstance)
        .map(Deployment.class::cast)
        .filter(d -> name.equals(d.getMetadata().getName()))
        .mapToInt(d -> d.getSpec().getReplicas())
        .findFirst()
        .orElse(0);
  }

  /**
   * An Event when delivery starts or stops: Normal when Ready turns True, Warning with the broken
   * part when it turns False from True. A new webhook's parts coming up one by one are not news
   * (the condition says which is still missing).
   */
  private void announce(ErpWebhook webhook, ErpWebhookStatus previous, ErpWebhookStatus status) {
    Condition before = WebhookStatusAggregator.ready(previous);
    Condition now = WebhookStatusAggregator.ready(status);
    boolean wasReady = before != null && "True".equals(before.getStatus());
    boolean isReady = now != null && "True".equals(now.getStatus());
    if (isReady && !wasReady) {
      events.normal(webhook, now.getReason(), "Webhooks are received and delivered");
    } else if (wasReady && !isReady && now != null) {
      events.warning(webhook, now.getReason(), now.getMessage());
    }
  }

  @Override
  public ErrorStatusUpdateControl<ErpWebhook> updateErrorStatus(
      ErpWebhook webhook, Context<ErpWebhook> context, Exception e) {
    String message =
        "Reconciliation failed (" + e.getClass().getSimpleName() + "): " + e.getMessage();
    ErpWebhookStatus previous = webhook.getStatus();
    ErpWebhookStatus status =
        WebhookStatusAggregator.failed(webhook, message, previous, clock.instant());
    if (Objects.equals(status, previous)) {
      return ErrorStatusUpdateControl.defaultErrorProcessing();
    }
    events.warning(webhook, WebhookReason.RECONCILE_FAILED.value(), message);
    return ErrorStatusUpdateControl.patchStatus(
        StatusWrites.fresh(webhook, status, ErpWebhook::new));
  }

  @Override
  public DeleteControl cleanup(ErpWebhook webhook, Context<ErpWebhook> context) {
    // As for pipelines: explicit, so "nothing left" does not depend on a garbage collector.
    connectStatuses.forget(webhook);
    deadLetterReader.forget(OwnerKeys.of(webhook));
    int deleted = caches.deleteAll(client, context);
    LOG.info(
        "{}/{}: deleted, removed {} owned resources",
        webhook.getMetadata().getNamespace(),
        webhook.getMetadata().getName(),
        deleted);
    return DeleteControl.defaultDelete();
  }

  /** Stops the Connect status sweeps and the dead-letter reads. */
  @Override
  public void close() {
    connectStatuses.close();
    deadLetterReader.close();
  }

  private void writeStatus(
      ErpWebhook webhook,
      ErpWebhookStatus previous,
      ErpWebhookStatus status,
      Context<ErpWebhook> context) {
    StatusWrites.write(webhook, previous, status, context, ErpWebhook::new);
  }
}
