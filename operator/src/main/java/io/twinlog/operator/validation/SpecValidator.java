package io.twinlog.operator.validation;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.twinlog.operator.api.v1alpha1.ApiPatterns;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.CdcPipelineSpec;
import io.twinlog.operator.api.v1alpha1.KafkaAuthType;
import io.twinlog.operator.api.v1alpha1.KafkaAuthenticationSpec;
import io.twinlog.operator.api.v1alpha1.KafkaSpec;
import io.twinlog.operator.api.v1alpha1.RestartPolicySpec;
import java.time.Duration;
import java.util.List;

/**
 * Validates a CdcPipeline as a pure function: everything the CRD schema says (the fabric8 mock API
 * server does not enforce schemas, and a CRD may be installed without them) plus what the schema
 * cannot express. Messages name the field, for example {@code spec.source.replicas[1].serverId}.
 */
public final class SpecValidator {
  private SpecValidator() {}

  /** Pattern of a pipeline's name: it becomes label values and parts of Service names. */
  public static final String PIPELINE_NAME = "^[a-z]([-a-z0-9]*[a-z0-9])?$";

  /** Longest pipeline name (label values are limited to 63 characters). */
  public static final int MAX_PIPELINE_NAME_LENGTH = 63;

  /** Returns every problem found, in field order; empty when the pipeline is valid. */
  public static List<ValidationError> validate(CdcPipeline pipeline) {
    Problems problems = new Problems();
    if (pipeline == null) {
      problems.add("", "the resource is empty");
      return problems.list();
    }
    metadata(pipeline.getMetadata(), problems);
    CdcPipelineSpec spec = pipeline.getSpec();
    if (!problems.required("spec", spec)) {
      return problems.list();
    }
    kafka(spec.getKafka(), problems);
    SourceRules.check(spec.getSource(), problems);
    DedupRules.check(pipeline, problems);
    if (spec.getSink() != null) {
      SinkRules.check(pipeline, problems);
    }
    restartPolicy(spec.getRestartPolicy(), problems);
    return problems.list();
  }

  private static void metadata(ObjectMeta metadata, Problems problems) {
    if (metadata == null) {
      problems.add("metadata", "is required");
      return;
    }
    if (problems.required("metadata.name", metadata.getName())) {
      problems.string(
          "metadata.name",
          metadata.getName(),
          PIPELINE_NAME,
          MAX_PIPELINE_NAME_LENGTH,
          "a DNS-1035 label (lower-case letters, digits and '-', starting with a letter),"
              + " because it becomes label values and Service names");
    }
    problems.required("metadata.namespace", metadata.getNamespace());
  }

  private static void kafka(KafkaSpec kafka, Problems problems) {
    if (!problems.required("spec.kafka", kafka)) {
      return;
    }
    if (problems.required("spec.kafka.cluster", kafka.getCluster())) {
      problems.string(
          "spec.kafka.cluster", kafka.getCluster(), ApiPatterns.DNS_SUBDOMAIN, 253, "a DNS name");
    }
    if (problems.required("spec.kafka.connectCluster", kafka.getConnectCluster())) {
      problems.string(
          "spec.kafka.connectCluster",
          kafka.getConnectCluster(),
          ApiPatterns.DNS_SUBDOMAIN,
          253,
          "a DNS name");
    }
    problems.optionalString(
        "spec.kafka.bootstrapServers",
        kafka.getBootstrapServers(),
        "^[^\\s,]+:[0-9]+(,[^\\s,]+:[0-9]+)*$",
        1024,
        "host:port[,host:port]");
    KafkaAuthenticationSpec auth = kafka.getAuthentication();
    if (auth != null && problems.required("spec.kafka.authentication.type", auth.getType())) {
      if (auth.getType() == KafkaAuthType.SCRAM_SHA_512) {
        problems.required("spec.kafka.authentication.username", auth.getUsername());
      } else if (auth.getType() == KafkaAuthType.TLS) {
        problems.required("spec.kafka.authentication.secretName", auth.getSecretName());
        if (kafka.getTls() == null) {
          problems.add("spec.kafka.authentication", "type tls (mutual TLS) needs spec.kafka.tls");
        }
      }
    }
  }

  private static void restartPolicy(RestartPolicySpec policy, Problems problems) {
    String at = "spec.restartPolicy";
    Duration initial =
        problems.duration(at + ".initialBackoff", policy.getInitialBackoff(), Duration.ofMillis(1));
    Duration max = problems.duration(at + ".maxBackoff", policy.getMaxBackoff(), Duration.ZERO);
    if (initial != null && max != null && max.compareTo(initial) < 0) {
      problems.add(
          at + ".maxBackoff",
          "must be at least initialBackoff (" + policy.getInitialBackoff() + ")");
    }
    problems.range(at + ".maxRestarts", policy.getMaxRestarts(), 0, Integer.MAX_VALUE);
    problems.duration(at + ".stallAfter", policy.getStallAfter(), Duration.ofMillis(1));
  }
}
