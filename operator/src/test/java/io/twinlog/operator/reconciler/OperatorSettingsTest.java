package io.twinlog.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OperatorSettingsTest {

  @Test
  void readsTheHelmChartsEnvironment() {
    OperatorSettings settings =
        OperatorSettings.fromEnv(
            Map.of(
                "TWINLOG_WATCH_NAMESPACES", " shop, billing ,",
                "TWINLOG_LEADER_ELECTION", "true",
                "TWINLOG_LEADER_ELECTION_LEASE_NAME", "twinlog-lock",
                "TWINLOG_OPERATOR_NAMESPACE", "twinlog-system",
                "TWINLOG_POD_NAME", "twinlog-operator-7d9f",
                "TWINLOG_DEDUP_IMAGE", "ghcr.io/twinlog/dedup:0.1.0",
                "TWINLOG_HTTP_PORT", "9090",
                "TWINLOG_CONNECT_API_URL", "http://{connectCluster}-api.{namespace}.svc.corp:8083",
                "TWINLOG_CONNECT_POLL_INTERVAL_MS", "2000"));

    assertThat(settings.watchNamespaces()).isEqualTo(Set.of("shop", "billing"));
    assertThat(settings.leaderElection()).isTrue();
    assertThat(settings.leaseName()).isEqualTo("twinlog-lock");
    assertThat(settings.leaseNamespace()).isEqualTo("twinlog-system");
    assertThat(settings.identity()).isEqualTo("twinlog-operator-7d9f");
    assertThat(settings.dedupImage()).isEqualTo("ghcr.io/twinlog/dedup:0.1.0");
    assertThat(settings.httpPort()).isEqualTo(9090);
    assertThat(settings.connectApiUrl())
        .isEqualTo("http://{connectCluster}-api.{namespace}.svc.corp:8083");
    assertThat(settings.connectPollInterval()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void defaultsWatchAllNamespacesWithoutLeaderElection() {
    OperatorSettings settings = OperatorSettings.fromEnv(Map.of());

    assertThat(settings.watchNamespaces()).isEmpty();
    assertThat(settings.leaderElection()).isFalse();
    assertThat(settings.httpPort()).isEqualTo(8080);
    assertThat(settings.connectApiUrl()).isNull();
    assertThat(settings.connectPollInterval()).isEqualTo(Duration.ofSeconds(5));
  }
}
