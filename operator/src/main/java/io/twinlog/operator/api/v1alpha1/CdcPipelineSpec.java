package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Getter;
import lombok.Setter;

/** Desired state of a {@link CdcPipeline}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "(has(self.state) && self.state == 'stopped') || (has(oldSelf.state) && oldSelf.state =="
            + " 'stopped') || self.source.replicas.all(r, !has(r.serverId) ||"
            + " !oldSelf.source.replicas.exists(o, o.name == r.name && has(o.serverId) &&"
            + " o.serverId != r.serverId))",
    message =
        "a replica's serverId cannot change while the pipeline runs (its connector would"
            + " rejoin the primary as another replication client mid-stream): set spec.state to"
            + " stopped first, or add the replica under a new name and remove the old one",
    fieldPath = ".source.replicas")
@Setter
public class CdcPipelineSpec {

  @JsonPropertyDescription(
      "Desired state of the pipeline's connectors: running, paused (tasks stay assigned) or stopped"
          + " (tasks released). Maps to the KafkaConnectors' spec.state. Default: running.")
  @Default("running")
  private PipelineState state;

  @JsonPropertyDescription("The Strimzi Kafka and KafkaConnect clusters the pipeline runs on.")
  @Required
  @Getter
  private KafkaSpec kafka;

  @JsonPropertyDescription(
      "The source database: its replicas, each read by its own Debezium connector, and what to"
          + " capture.")
  @Required
  @Getter
  private SourceSpec source;

  @JsonPropertyDescription(
      "The deduplicator that merges the replicas' streams into one exactly-once stream per table."
          + " Default: {} (each field at its default).")
  @Default("{}")
  private DedupSpec dedup;

  @JsonPropertyDescription(
      "Where the deduplicated changes are delivered. Optional: without it the pipeline ends at the"
          + " deduplicated output topics.")
  @Getter
  private SinkSpec sink;

  @JsonPropertyDescription(
      "How Twinlog restarts failed connectors and when a source counts as stalled. Default: {}"
          + " (each field at its default).")
  @Default("{}")
  private RestartPolicySpec restartPolicy;

  public PipelineState getState() {
    return state == null ? PipelineState.RUNNING : state;
  }

  public DedupSpec getDedup() {
    return dedup == null ? new DedupSpec() : dedup;
  }

  public RestartPolicySpec getRestartPolicy() {
    return restartPolicy == null ? new RestartPolicySpec() : restartPolicy;
  }
}
