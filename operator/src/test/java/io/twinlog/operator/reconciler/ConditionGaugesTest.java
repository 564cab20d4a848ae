package io.twinlog.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.twinlog.operator.api.v1alpha1.CdcPipelineStatus;
import io.twinlog.operator.api.v1alpha1.Condition;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionGaugesTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ConditionGauges gauges = new ConditionGauges(registry);

  private static CdcPipelineStatus status(Condition... conditions) {
    CdcPipelineStatus status = new CdcPipelineStatus();
    status.setConditions(List.of(conditions));
    return status;
  }

  private static Condition condition(String type, String value, String reason) {
    return new Condition().withType(type).withStatus(value).withReason(reason);
  }

  private List<Gauge> gauges(String type) {
    return List.copyOf(registry.find(ConditionGauges.METRIC).tag("type", type).gauges());
  }

  @Test
  void exportsTrueAsOneFalseAsZeroAndUnknownNotAtAll() {
    gauges.update(
        "shop",
        "orders",
        status(
            condition("Ready", "True", "Delivering"),
            condition("BinlogRetentionOk", "False", "RetentionTooShort"),
            condition("SinkReady", "Unknown", "NotChecked")));

    assertThat(gauges("Ready")).singleElement().extracting(Gauge::value).isEqualTo(1.0);
    assertThat(gauges("BinlogRetentionOk"))
        .singleElement()
        .satisfies(g -> assertThat(g.getId().getTag("reason")).isEqualTo("RetentionTooShort"))
        .extracting(Gauge::value)
        .isEqualTo(0.0);
    assertThat(gauges("SinkReady")).isEmpty();
  }

  @Test
  void aNewReasonReplacesTheGaugeInsteadOfAddingOne() {
    gauges.update("shop", "orders", status(condition("Ready", "True", "Delivering")));
    gauges.update("shop", "orders", status(condition("Ready", "False", "NoHealthySource")));

    assertThat(gauges("Ready"))
        .singleElement()
        .satisfies(g -> assertThat(g.getId().getTag("reason")).isEqualTo("NoHealthySource"))
        .extracting(Gauge::value)
        .isEqualTo(0.0);
  }

  @Test
  void removingAPipelineDropsOnlyItsGauges() {
    gauges.update("shop", "orders", status(condition("Ready", "True", "Delivering")));
    gauges.update("shop", "payments", status(condition("Ready", "True", "Delivering")));

    gauges.remove("shop", "orders");

    assertThat(gauges("Ready"))
        .singleElement()
        .satisfies(g -> assertThat(g.getId().getTag("pipeline")).isEqualTo("payments"));
  }
}
