package io.twinlog.operator.desired;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.ReplicaSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Everything one CdcPipeline should own, as a pure function of it: the reconciler applies these and
 * deletes whatever it owns (by {@link Labels#ownedBy}) that is not among them. Expects a spec that
 * passed {@code SpecValidator}.
 *
 * @param sources one connector per replica, in the order of {@code spec.source.replicas}
 * @param sinkConnector null when the pipeline has no sink
 * @param topics source, output and dead-letter topics
 * @param kafkaUsers the dedup runtime's KafkaUser ({@link DedupKafkaUser}), or none
 * @param configMaps the dedup runtime's ConfigMap
 * @param dedup the dedup runtime's Deployment
 * @param services the dedup runtime's metrics Service
 * @param disruptionBudgets the dedup runtime's PodDisruptionBudget
 */
public record DesiredResources(
    List<Source> sources,
    KafkaConnector sinkConnector,
    List<KafkaTopic> topics,
    List<KafkaUser> kafkaUsers,
    List<ConfigMap> configMaps,
    Deployment dedup,
    List<Service> services,
    List<PodDisruptionBudget> disruptionBudgets) {

  /** One replica's source connector. */
  public record Source(String replica, KafkaConnector connector) {

    /** The connector's name. */
    public String connectorName() {
      return connector.getMetadata().getName();
    }
  }

  /** The desired resources with the default dedup image. */
  public static DesiredResources of(CdcPipeline pipeline) {
    return of(pipeline, null, null);
  }

  /**
   * The desired resources.
   *
   * @param dedupImage the operator's dedup image (used unless the pipeline names one), or null
   * @param dedupImagePullPolicy its pull policy, or null
   */
  public static DesiredResources of(
      CdcPipeline pipeline, String dedupImage, String dedupImagePullPolicy) {
    return of(pipeline, dedupImage, dedupImagePullPolicy, Map.of());
  }

  /**
   * The desired resources, each workload annotated with the hash of the versions of the Secrets it
   * reads ({@link SecretRotation}).
   *
   * @param secretVersions {@code resourceVersion} per Secret name of {@link SecretRotation#all} (a
   *     missing one absent); empty: no hashes
   */
  public static DesiredResources of(
      CdcPipeline pipeline,
      String dedupImage,
      String dedupImagePullPolicy,
      Map<String, String> secretVersions) {
    return of(
        pipeline, dedupImage, dedupImagePullPolicy, secretVersions, ConsistentStart.Plan.NONE);
  }

  /**
   * The desired resources, the source connectors shaped for where each is in the pipeline's
   * consistent start, with the ConfigMaps their seed offsets are set from.
   */
  public static DesiredResources of(
      CdcPipeline pipeline,
      String dedupImage,
      String dedupImagePullPolicy,
      Map<String, String> secretVersions,
      ConsistentStart.Plan start) {
    ConfigMap config = DedupConfig.configMap(pipeline);
    List<KafkaConnector> connectors = SourceConnectors.of(pipeline, start);
    List<ReplicaSpec> replicas = pipeline.getSpec().getSource().getReplicas();
    List<Source> sources =
        IntStream.range(0, connectors.size())
            .mapToObj(i -> new Source(replicas.get(i).getName(), connectors.get(i)))
            .toList();
    List<ConfigMap> configMaps = new ArrayList<>();
    configMaps.add(config);
    configMaps.addAll(ConsistentStart.seedConfigMaps(pipeline, start));
    String sourceHash = SecretRotation.hash(SecretRotation.sourceSecrets(pipeline), secretVersions);
    connectors.forEach(c -> SecretRotation.annotate(c.getMetadata(), sourceHash));
    KafkaConnector sink = SinkConnector.of(pipeline);
    if (sink != null) {
      SecretRotation.annotate(
          sink.getMetadata(),
          SecretRotation.hash(SecretRotation.sinkSecrets(pipeline), secretVersions));
    }
    Deployment dedup = DedupWorkload.deployment(pipeline, config, dedupImage, dedupImagePullPolicy);
    SecretRotation.annotate(
        dedup.getSpec().getTemplate().getMetadata(),
        SecretRotation.hash(SecretRotation.dedupSecrets(pipeline), secretVersions));
    return new DesiredResources(
        sources,
        sink,
        Topics.of(pipeline),
        Optional.ofNullable(DedupKafkaUser.of(pipeline)).stream().toList(),
        configMaps,
        dedup,
        List.of(DedupWorkload.metricsService(pipeline)),
        List.of(DedupWorkload.disruptionBudget(pipeline)));
  }

  /** The source connectors, in the order of {@code spec.source.replicas}. */
  public List<KafkaConnector> sourceConnectors() {
    return sources.stream().map(Source::connector).toList();
  }

  /** All connectors: the sources, then the sink if any. */
  public List<KafkaConnector> connectors() {
    List<KafkaConnector> all = new ArrayList<>(sourceConnectors());
    if (sinkConnector != null) {
      all.add(sinkConnector);
    }
    return all;
  }

  /** Dedup instances the Deployment asks for. */
  public int desiredDedupInstances() {
    Integer replicas = dedup.getSpec().getReplicas();
    return replicas == null ? 1 : replicas;
  }

  /**
   * Every resource, in apply order: topics, the KafkaUser, config, service, PDB, Deployment,
   * connectors.
   */
  public List<HasMetadata> all() {
    List<HasMetadata> all = new ArrayList<>(topics);
    all.addAll(kafkaUsers);
    all.addAll(configMaps);
    all.addAll(services);
    all.addAll(disruptionBudgets);
    all.add(dedup);
    all.addAll(connectors());
    return all;
  }
}
