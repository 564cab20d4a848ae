package io.twinlog.e2e.strimzi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The restart annotation values Strimzi accepts (KafkaConnectAssemblyOperator's rule). */
class ConnectorStandInTest {

  @Test
  void restartIsTrueAloneOrIncludeTasksAndOnlyFailedButNeverBoth() {
    assertThat(ConnectorStandIn.validRestart("true")).isTrue();
    assertThat(ConnectorStandIn.validRestart("includeTasks")).isTrue();
    assertThat(ConnectorStandIn.validRestart("onlyFailed")).isTrue();
    assertThat(ConnectorStandIn.validRestart("includeTasks,onlyFailed")).isTrue();
    assertThat(ConnectorStandIn.validRestart("true,includeTasks")).isFalse();
    assertThat(ConnectorStandIn.validRestart("includeTasks,wrongArg")).isFalse();
    assertThat(ConnectorStandIn.validRestart("")).isFalse();
  }
}
