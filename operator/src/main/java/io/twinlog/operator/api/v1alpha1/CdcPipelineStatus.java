package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import lombok.EqualsAndHashCode;
import lombok.Getter;
import lombok.Setter;
import lombok.ToString;

/** Observed state of a {@link CdcPipeline}, written by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
@EqualsAndHashCode
@ToString
public class CdcPipelineStatus {

  @JsonPropertyDescription("The metadata.generation this status was computed from.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Ready (False with a reason whenever the pipeline is not delivering), SourcesHealthy, DedupReady, SinkReady, BinlogRetentionOk (MySQL, MariaDB) or WalRetentionOk (PostgreSQL), and kstatus' Reconciling (True while coming up) and Stalled (True while broken in a way waiting does not fix).")
  private List<Condition> conditions;

  @JsonPropertyDescription("One entry per replica, in the order of spec.source.replicas.")
  private List<SourceStatus> sources;

  @JsonPropertyDescription("The dedup runtime.")
  private DedupStatus dedup;

  @JsonPropertyDescription("The ERP sink connector; absent without spec.sink.")
  private SinkStatus sink;

  @JsonPropertyDescription("Healthy sources / all sources, for example 2/2.")
  private String sourcesReady;

  @JsonPropertyDescription("Ready dedup instances / desired instances, for example 2/2.")
  private String dedupReady;

  @JsonPropertyDescription(
      "State of the sink connector, for example Running; None without spec.sink.")
  private String sinkState;

  @JsonPropertyDescription("Restarts Twinlog made of all the pipeline's connectors.")
  private Integer restarts;

  @JsonPropertyDescription(
      "Shortest binlog retention among the replicas (a duration such as 168h); PostgreSQL: the"
          + " most WAL one replica's slot retains (such as 16MB).")
  private String retention;

  @JsonPropertyDescription(
      "Dead letters of the dedup runtime and the sink together (each part's status has its"
          + " topic, newest time and error).")
  private Long deadLetters;

  @JsonPropertyDescription(
      "PostgreSQL: replicas removed from spec.source.replicas whose replication slot Twinlog is"
          + " still dropping (retried until gone, for at most 10 minutes).")
  private List<SlotDropStatus> pendingSlotDrops;

  /** Sets {@code observedGeneration} and returns this. */
  public CdcPipelineStatus withObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
    return this;
  }

  /** Sets {@code conditions} and returns this. */
  public CdcPipelineStatus withConditions(List<Condition> conditions) {
    this.conditions = conditions;
    return this;
  }

  /** Sets {@code sources} and returns this. */
  public CdcPipelineStatus withSources(List<SourceStatus> sources) {
    this.sources = sources;
    return this;
  }

  /** Sets {@code dedup} and returns this. */
  public CdcPipelineStatus withDedup(DedupStatus dedup) {
    this.dedup = dedup;
    return this;
  }

  /** Sets {@code sink} and returns this. */
  public CdcPipelineStatus withSink(SinkStatus sink) {
    this.sink = sink;
    return this;
  }

  /** Sets {@code sourcesReady} and returns this. */
  public CdcPipelineStatus withSourcesReady(String sourcesReady) {
    this.sourcesReady = sourcesReady;
    return this;
  }

  /** Sets {@code dedupReady} and returns this. */
  public CdcPipelineStatus withDedupReady(String dedupReady) {
    this.dedupReady = dedupReady;
    return this;
  }

  /** Sets {@code sinkState} and returns this. */
  public CdcPipelineStatus withSinkState(String sinkState) {
    this.sinkState = sinkState;
    return this;
  }

  /** Sets {@code restarts} and returns this. */
  public CdcPipelineStatus withRestarts(Integer restarts) {
    this.restarts = restarts;
    return this;
  }

  /** Sets {@code retention} and returns this. */
  public CdcPipelineStatus withRetention(String retention) {
    this.retention = retention;
    return this;
  }

  /** Sets {@code deadLetters} and returns this. */
  public CdcPipelineStatus withDeadLetters(Long deadLetters) {
    this.deadLetters = deadLetters;
    return this;
  }
}
