package io.twinlog.operator.desired;

import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import java.util.LinkedHashMap;
import java.util.Map;

/** The labels on everything Twinlog creates, and the selectors that find them again. */
public final class Labels {
  private Labels() {}

  /** Recommended label: the application. */
  public static final String NAME = "app.kubernetes.io/name";

  /** Value of {@link #NAME}. */
  public static final String NAME_VALUE = "twinlog";

  /** Recommended label: the instance, here the pipeline's name. */
  public static final String INSTANCE = "app.kubernetes.io/instance";

  /**
   * Recommended label: the part of the pipeline ({@link #SOURCE}, {@link #DEDUP}, {@link #SINK}).
   */
  public static final String COMPONENT = "app.kubernetes.io/component";

  /** Recommended label: who manages the resource. */
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  /** Value of {@link #MANAGED_BY}. */
  public static final String MANAGED_BY_VALUE = "twinlog-operator";

  /** The owning pipeline's name (the reconciler lists owned resources by it). */
  public static final String PIPELINE = "twinlog.io/pipeline";

  /** The replica a source connector reads. */
  public static final String REPLICA = "twinlog.io/replica";

  /** Strimzi's label naming the Kafka or KafkaConnect cluster a resource belongs to. */
  public static final String STRIMZI_CLUSTER = "strimzi.io/cluster";

  /** Component of the source connectors. */
  public static final String SOURCE = "source";

  /** Component of the dedup runtime and its topics. */
  public static final String DEDUP = "dedup";

  /** Component of the ERP sink connector and its dead-letter topic. */
  public static final String SINK = "sink";

  /** Labels of a pipeline's resource of one component. */
  public static Map<String, String> of(CdcPipeline pipeline, String component) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME, NAME_VALUE);
    labels.put(INSTANCE, pipeline.getMetadata().getName());
    labels.put(COMPONENT, component);
    labels.put(MANAGED_BY, MANAGED_BY_VALUE);
    labels.put(PIPELINE, pipeline.getMetadata().getName());
    return labels;
  }

  /** Labels of one replica's source connector, including Strimzi's cluster label. */
  public static Map<String, String> sourceConnector(CdcPipeline pipeline, String replica) {
    Map<String, String> labels = connector(pipeline, SOURCE);
    labels.put(REPLICA, replica);
    return labels;
  }

  /** Labels of a connector of the given component, including Strimzi's cluster label. */
  public static Map<String, String> connector(CdcPipeline pipeline, String component) {
    Map<String, String> labels = of(pipeline, component);
    labels.put(STRIMZI_CLUSTER, pipeline.getSpec().getKafka().getConnectCluster());
    return labels;
  }

  /** Labels of a KafkaTopic of the given component, including Strimzi's cluster label. */
  public static Map<String, String> topic(CdcPipeline pipeline, String component) {
    Map<String, String> labels = of(pipeline, component);
    labels.put(STRIMZI_CLUSTER, pipeline.getSpec().getKafka().getCluster());
    return labels;
  }

  /** Labels of the dedup runtime's KafkaUser: Strimzi's User Operator picks it by cluster. */
  public static Map<String, String> kafkaUser(CdcPipeline pipeline) {
    return topic(pipeline, DEDUP);
  }

  /** Selects everything Twinlog created for one pipeline (in the pipeline's namespace). */
  public static Map<String, String> ownedBy(CdcPipeline pipeline) {
    return Map.of(MANAGED_BY, MANAGED_BY_VALUE, PIPELINE, pipeline.getMetadata().getName());
  }

  /** Selects one pipeline's dedup runtime pods (Deployment, Service and PDB selector). */
  public static Map<String, String> dedupPods(CdcPipeline pipeline) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME, NAME_VALUE);
    labels.put(INSTANCE, pipeline.getMetadata().getName());
    labels.put(COMPONENT, DEDUP);
    return labels;
  }
}
