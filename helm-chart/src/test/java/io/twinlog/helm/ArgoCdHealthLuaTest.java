package io.twinlog.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.twinlog.helm.ArgoCdHealth.Verdict;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.CdcPipelineStatus;
import io.twinlog.operator.api.v1alpha1.PipelineState;
import io.twinlog.operator.health.ConnectorHealth;
import io.twinlog.operator.health.Failure;
import io.twinlog.operator.health.RestartDecision;
import io.twinlog.operator.health.RestartHistory;
import io.twinlog.operator.health.TaskHealth;
import io.twinlog.operator.status.DedupObservation;
import io.twinlog.operator.status.Observation;
import io.twinlog.operator.status.RetentionObservation;
import io.twinlog.operator.status.SinkObservation;
import io.twinlog.operator.status.SourceObservation;
import io.twinlog.operator.status.StatusAggregator;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * gitops/argocd/health.lua, run by a Lua interpreter on CdcPipelines whose status comes from the
 * operator's own StatusAggregator.
 */
class ArgoCdHealthLuaTest {
  private static final Instant NOW = Instant.parse("2026-11-21T01:00:00Z");
  private static final long GENERATION = 3;

  private static final SourceObservation RUNNING_A = source("replica-a", running());
  private static final SourceObservation RUNNING_B = source("replica-b", running());

  @Test
  void aPipelineWithoutStatusIsProgressing() {
    assertThat(health(pipeline(GENERATION, null)).status()).isEqualTo("Progressing");
  }

  @Test
  void aDeliveringPipelineOfTheCurrentGenerationIsHealthy() {
    Verdict verdict = health(pipeline(GENERATION, aggregate(RUNNING_A, RUNNING_B, 2)));

    assertThat(verdict.status()).isEqualTo("Healthy");
    assertThat(verdict.message()).startsWith("Delivering");
  }

  @Test
  void aSpecChangeNotYetReconciledIsProgressingEvenIfTheOldGenerationWasReady() {
    CdcPipelineStatus observedOlder = aggregate(RUNNING_A, RUNNING_B, 2);

    assertThat(health(pipeline(GENERATION + 1, observedOlder)).status()).isEqualTo("Progressing");
  }

  @Test
  void aReadyConditionOfAnOlderGenerationIsNotHealthy() {
    CdcPipelineStatus status = aggregate(RUNNING_A, RUNNING_B, 2);
    // status.observedGeneration caught up, but the Ready condition was computed earlier.
    status.setObservedGeneration(GENERATION + 1);

    // (kstatus does not compare a condition's observedGeneration; the operator writes them all in
    // one status update, so this state is Argo CD's caution only.)
    assertThat(ArgoCdHealth.of(pipeline(GENERATION + 1, status)).status()).isEqualTo("Progressing");
  }

  @Test
  void oneFailedSourceOutOfTwoStillDeliversSoItIsHealthyAndSaysDegraded() {
    Verdict verdict =
        health(pipeline(GENERATION, aggregate(failedAndRestarted("replica-a"), RUNNING_B, 2)));

    assertThat(verdict.status()).isEqualTo("Healthy");
    assertThat(verdict.message()).startsWith("Degraded").contains("replica-a");
  }

  @Test
  void noHealthySourceBecauseConnectorsFailIsDegradedWithTheCause() {
    Verdict verdict =
        health(
            pipeline(
                GENERATION,
                aggregate(failedAndRestarted("replica-a"), failedAndRestarted("replica-b"), 2)));

    assertThat(verdict.status()).isEqualTo("Degraded");
    assertThat(verdict.message()).startsWith("NoHealthySource (ConnectorFailed): ");
  }

  @Test
  void connectorsThatDoNotRunYetAreProgressing() {
    SourceObservation created =
        new SourceObservation(
            "replica-a",
            "orders-replica-a",
            ConnectorHealth.absent(),
            new RestartDecision.NotFailing(RestartHistory.none()));

    assertThat(health(pipeline(GENERATION, aggregate(created, created, 2))).status())
        .isEqualTo("Progressing");
  }

  @Test
  void dedupPodsStartingAreProgressing() {
    assertThat(health(pipeline(GENERATION, aggregate(RUNNING_A, RUNNING_B, 0))).status())
        .isEqualTo("Progressing");
  }

  @Test
  void anInvalidSpecIsDegradedWithItsMessage() {
    CdcPipelineStatus invalid =
        StatusAggregator.invalid(
            "spec.source.replicas[1].serverId: 5401 is used twice", GENERATION, null, NOW);

    Verdict verdict = health(pipeline(GENERATION, invalid));

    assertThat(verdict.status()).isEqualTo("Degraded");
    assertThat(verdict.message())
        .isEqualTo("InvalidSpec: spec.source.replicas[1].serverId: 5401 is used twice");
  }

  @Test
  void aFailedApplyIsDegraded() {
    CdcPipelineStatus failed =
        StatusAggregator.failed("KafkaTopic orders-dlq: forbidden", GENERATION, null, NOW);

    assertThat(health(pipeline(GENERATION, failed)).status()).isEqualTo("Degraded");
  }

  @Test
  void aPausedPipelineIsSuspended() {
    CdcPipelineStatus paused =
        StatusAggregator.aggregate(
            new Observation(
                GENERATION,
                PipelineState.PAUSED,
                List.of(RUNNING_A, RUNNING_B),
                new DedupObservation(2, 2),
                null,
                null),
            null,
            NOW);

    assertThat(health(pipeline(GENERATION, paused)).status()).isEqualTo("Suspended");
  }

  @Test
  void aSinkThatFailedIsDegraded() {
    Failure failure = new Failure(0, "org.apache.kafka.connect.errors.ConnectException: boom");
    SinkObservation sink =
        new SinkObservation(
            "orders-erp",
            new ConnectorHealth(
                ConnectorHealth.RUNNING,
                List.of(new TaskHealth(0, ConnectorHealth.FAILED, failure.trace())),
                null,
                null,
                false),
            new RestartDecision.Restart(failure, RestartHistory.none().afterRestart(NOW)));
    CdcPipelineStatus status =
        StatusAggregator.aggregate(
            new Observation(
                GENERATION,
                PipelineState.RUNNING,
                List.of(RUNNING_A, RUNNING_B),
                new DedupObservation(2, 2),
                sink,
                retentionOk()),
            null,
            NOW);

    Verdict verdict = health(pipeline(GENERATION, status));

    assertThat(verdict.status()).isEqualTo("Degraded");
    assertThat(verdict.message()).startsWith("SinkNotReady (ConnectorFailed)");
  }

  /**
   * Argo CD's verdict, checked against kstatus' reading of the same object (Flux): both read the
   * operator's Stalled and Reconciling conditions, so they agree.
   */
  private static Verdict health(CdcPipeline pipeline) {
    Verdict verdict = ArgoCdHealth.of(pipeline);
    String kstatus =
        switch (verdict.status()) {
          case "Healthy", "Suspended" -> "Current";
          case "Progressing" -> "InProgress";
          case "Degraded" -> "Failed";
          default -> throw new AssertionError("unexpected Argo CD status " + verdict.status());
        };
    assertThat(KstatusReading.of(pipeline))
        .as("kstatus of a pipeline Argo CD calls %s (%s)", verdict.status(), verdict.message())
        .isEqualTo(kstatus);
    return verdict;
  }

  private static CdcPipeline pipeline(long generation, CdcPipelineStatus status) {
    CdcPipeline pipeline = new CdcPipeline();
    pipeline.setMetadata(
        new ObjectMetaBuilder()
            .withName("orders")
            .withNamespace("shop")
            .withGeneration(generation)
            .build());
    pipeline.setStatus(status);
    return pipeline;
  }

  private static CdcPipelineStatus aggregate(
      SourceObservation a, SourceObservation b, int readyDedupInstances) {
    return StatusAggregator.aggregate(
        new Observation(
            GENERATION,
            PipelineState.RUNNING,
            List.of(a, b),
            new DedupObservation(readyDedupInstances, 2),
            null,
            retentionOk()),
        null,
        NOW);
  }

  private static RetentionObservation retentionOk() {
    return new RetentionObservation(
        true, Map.of("replica-a", "168h", "replica-b", "168h"), "168h", "168h >= 72h");
  }

  private static ConnectorHealth running() {
    return new ConnectorHealth(
        ConnectorHealth.RUNNING,
        List.of(new TaskHealth(0, ConnectorHealth.RUNNING, null)),
        null,
        null,
        false);
  }

  private static SourceObservation source(String replica, ConnectorHealth health) {
    return new SourceObservation(
        replica,
        "orders-" + replica,
        health,
        new RestartDecision.Healthy(RestartHistory.none(), null));
  }

  private static SourceObservation failedAndRestarted(String replica) {
    String trace =
        "org.apache.kafka.connect.errors.ConnectException: Failed to connect to db-"
            + replica
            + ":3306";
    Failure failure = new Failure(0, trace);
    return new SourceObservation(
        replica,
        "orders-" + replica,
        new ConnectorHealth(
            ConnectorHealth.RUNNING,
            List.of(new TaskHealth(0, ConnectorHealth.FAILED, trace)),
            null,
            null,
            false),
        new RestartDecision.Restart(failure, RestartHistory.none().afterRestart(NOW)));
  }
}
