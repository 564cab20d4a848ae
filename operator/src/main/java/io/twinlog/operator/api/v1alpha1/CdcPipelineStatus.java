package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Objects;

/** Observed state of a {@link CdcPipeline}, written by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
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

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  /** Sets {@code observedGeneration} and returns this. */
  public CdcPipelineStatus withObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
    return this;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  /** Sets {@code conditions} and returns this. */
  public CdcPipelineStatus withConditions(List<Condition> conditions) {
    this.conditions = conditions;
    return this;
  }

  public List<SourceStatus> getSources() {
    return sources;
  }

  public void setSources(List<SourceStatus> sources) {
    this.sources = sources;
  }

  /** Sets {@code sources} and returns this. */
  public CdcPipelineStatus withSources(List<SourceStatus> sources) {
    this.sources = sources;
    return this;
  }

  public DedupStatus getDedup() {
    return dedup;
  }

  public void setDedup(DedupStatus dedup) {
    this.dedup = dedup;
  }

  /** Sets {@code dedup} and returns this. */
  public CdcPipelineStatus withDedup(DedupStatus dedup) {
    this.dedup = dedup;
    return this;
  }

  public SinkStatus getSink() {
    return sink;
  }

  public void setSink(SinkStatus sink) {
    this.sink = sink;
  }

  /** Sets {@code sink} and returns this. */
  public CdcPipelineStatus withSink(SinkStatus sink) {
    this.sink = sink;
    return this;
  }

  public String getSourcesReady() {
    return sourcesReady;
  }

  public void setSourcesReady(String sourcesReady) {
    this.sourcesReady = sourcesReady;
  }

  /** Sets {@code sourcesReady} and returns this. */
  public CdcPipelineStatus withSourcesReady(String sourcesReady) {
    this.sourcesReady = sourcesReady;
    return this;
  }

  public String getDedupReady() {
    return dedupReady;
  }

  public void setDedupReady(String dedupReady) {
    this.dedupReady = dedupReady;
  }

  /** Sets {@code dedupReady} and returns this. */
  public CdcPipelineStatus withDedupReady(String dedupReady) {
    this.dedupReady = dedupReady;
    return this;
  }

  public String getSinkState() {
    return sinkState;
  }

  public void setSinkState(String sinkState) {
    this.sinkState = sinkState;
  }

  /** Sets {@code sinkState} and returns this. */
  public CdcPipelineStatus withSinkState(String sinkState) {
    this.sinkState = sinkState;
    return this;
  }

  public Integer getRestarts() {
    return restarts;
  }

  public void setRestarts(Integer restarts) {
    this.restarts = restarts;
  }

  /** Sets {@code restarts} and returns this. */
  public CdcPipelineStatus withRestarts(Integer restarts) {
    this.restarts = restarts;
    return this;
  }

  public String getRetention() {
    return retention;
  }

  public void setRetention(String retention) {
    this.retention = retention;
  }

  /** Sets {@code retention} and returns this. */
  public CdcPipelineStatus withRetention(String retention) {
    this.retention = retention;
    return this;
  }

  public Long getDeadLetters() {
    return deadLetters;
  }

  public void setDeadLetters(Long deadLetters) {
    this.deadLetters = deadLetters;
  }

  /** Sets {@code deadLetters} and returns this. */
  public CdcPipelineStatus withDeadLetters(Long deadLetters) {
    this.deadLetters = deadLetters;
    return this;
  }

  public List<SlotDropStatus> getPendingSlotDrops() {
    return pendingSlotDrops;
  }

  public void setPendingSlotDrops(List<SlotDropStatus> pendingSlotDrops) {
    this.pendingSlotDrops = pendingSlotDrops;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof CdcPipelineStatus other)) {
      return false;
    }
    return Objects.equals(observedGeneration, other.observedGeneration)
        && Objects.equals(conditions, other.conditions)
        && Objects.equals(sources, other.sources)
        && Objects.equals(dedup, other.dedup)
        && Objects.equals(sink, other.sink)
        && Objects.equals(sourcesReady, other.sourcesReady)
        && Objects.equals(dedupReady, other.dedupReady)
        && Objects.equals(sinkState, other.sinkState)
        && Objects.equals(restarts, other.restarts)
        && Objects.equals(retention, other.retention)
        && Objects.equals(deadLetters, other.deadLetters)
        && Objects.equals(pendingSlotDrops, other.pendingSlotDrops);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        observedGeneration,
        conditions,
        sources,
        dedup,
        sink,
        sourcesReady,
        dedupReady,
        sinkState,
        restarts,
        retention,
        deadLetters,
        pendingSlotDrops);
  }

  @Override
  public String toString() {
    return "CdcPipelineStatus{"
        + "observedGeneration="
        + observedGeneration
        + ", conditions="
        + conditions
        + ", sources="
        + sources
        + ", dedup="
        + dedup
        + ", sink="
        + sink
        + ", sourcesReady="
        + sourcesReady
        + ", dedupReady="
        + dedupReady
        + ", sinkState="
        + sinkState
        + ", restarts="
        + restarts
        + ", retention="
        + retention
        + ", deadLetters="
        + deadLetters
        + ", pendingSlotDrops="
        + pendingSlotDrops
        + "}";
  }
}
