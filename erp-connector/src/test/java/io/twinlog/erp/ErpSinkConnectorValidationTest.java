package io.twinlog.erp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.twinlog.contracts.ErpSinkConfigKeys;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

class ErpSinkConnectorValidationTest {
  private static Map<String, String> valid() {
    Map<String, String> props = new HashMap<>();
    props.put("name", "erp");
    props.put(ErpSinkConfigKeys.URL, "https://erp.internal/api/cdc");
    return props;
  }

  private static Map<String, List<String>> errors(Map<String, String> props) {
    Map<String, List<String>> errors = new HashMap<>();
    for (ConfigValue value : new ErpSinkConnector().validate(props).configValues()) {
      if (!value.errorMessages().isEmpty()) {
        errors.put(value.name(), value.errorMessages());
      }
    }
    return errors;
  }

  @Test
  void aMinimalConfigIsValid() {
    assertThat(errors(valid())).isEmpty();
  }

  @Test
  void refusesBadUrls() {
    for (String url :
        List.of(
            "erp.internal/api", "ftp://erp/x", "http://", "https://user:pw@erp/x", "ht tp://x")) {
      Map<String, String> props = valid();
      props.put(ErpSinkConfigKeys.URL, url);
      assertThat(errors(props)).as(url).containsKey(ErpSinkConfigKeys.URL);
    }
    Map<String, String> props = valid();
    props.put(ErpSinkConfigKeys.URL, "https://user:s3cret@erp/x");
    assertThat(errors(props).get(ErpSinkConfigKeys.URL).toString())
        .contains("must not carry credentials")
        .doesNotContain("s3cret");
    props.remove(ErpSinkConfigKeys.URL);
    assertThat(errors(props)).containsKey(ErpSinkConfigKeys.URL);
  }

  @Test
  void refusesNegativeTimeoutsAndBackoffs() {
    for (String key :
        List.of(
            ErpSinkConfigKeys.TIMEOUT_MS,
            ErpSinkConfigKeys.RETRY_INITIAL_BACKOFF_MS,
            ErpSinkConfigKeys.RETRY_MAX_BACKOFF_MS,
            ErpSinkConfigKeys.RETRY_MAX_ATTEMPTS,
            ErpSinkConfigKeys.BATCH_MAX_RECORDS)) {
      Map<String, String> props = valid();
      props.put(key, "-5");
      assertThat(errors(props).get(key)).as(key).isNotNull();
      assertThat(errors(props).get(key).get(0)).contains("at least");
    }
  }

  @Test
  void refusesUnknownAuthTypesMethodsFormatsAndTombstoneModes() {
    Map<String, String> props = valid();
    props.put(ErpSinkConfigKeys.AUTH_TYPE, "kerberos");
    props.put(ErpSinkConfigKeys.METHOD, "DELETE");
    props.put(ErpSinkConfigKeys.BODY_FORMAT, "avro");
    props.put(ErpSinkConfigKeys.TOMBSTONES, "explode");
    assertThat(errors(props))
        .containsKeys(
            ErpSinkConfigKeys.AUTH_TYPE,
            ErpSinkConfigKeys.METHOD,
            ErpSinkConfigKeys.BODY_FORMAT,
            ErpSinkConfigKeys.TOMBSTONES);
    assertThat(errors(props).get(ErpSinkConfigKeys.AUTH_TYPE).get(0))
        .containsIgnoringCase("none")
        .containsIgnoringCase("bearer")
        .containsIgnoringCase("basic");
  }

  @Test
  void requiresTheCredentialsOfTheChosenAuthType() {
    Map<String, String> props = valid();
    props.put(ErpSinkConfigKeys.AUTH_TYPE, "bearer");
    assertThat(errors(props)).containsKey(ErpSinkConfigKeys.AUTH_TOKEN);
    props.put(ErpSinkConfigKeys.AUTH_TOKEN, "${secrets:shop/erp-token:token}");
    assertThat(errors(props)).isEmpty();

    props.put(ErpSinkConfigKeys.AUTH_TYPE, "BASIC");
    assertThat(errors(props))
        .containsKeys(ErpSinkConfigKeys.AUTH_USERNAME, ErpSinkConfigKeys.AUTH_PASSWORD);
  }

  @Test
  void refusesBadHeadersAndOverridesOfOurOwn() {
    Map<String, String> props = valid();
    props.put(ErpSinkConfigKeys.HEADERS, "X-Tenant:shop,X-Source:twinlog");
    assertThat(errors(props)).isEmpty();
    for (String headers :
        List.of("novalue", "Bad Name:x", "Authorization:Bearer x", "Idempotency-Key:1")) {
      props.put(ErpSinkConfigKeys.HEADERS, headers);
      assertThat(errors(props)).as(headers).containsKey(ErpSinkConfigKeys.HEADERS);
    }
  }

  @Test
  void refusesAMaxBackoffBelowTheInitialOne() {
    Map<String, String> props = valid();
    props.put(ErpSinkConfigKeys.RETRY_INITIAL_BACKOFF_MS, "5000");
    props.put(ErpSinkConfigKeys.RETRY_MAX_BACKOFF_MS, "1000");
    assertThat(errors(props)).containsKey(ErpSinkConfigKeys.RETRY_MAX_BACKOFF_MS);
  }

  @Test
  void refusesToleranceAllWithoutADeadLetterTopic() {
    Map<String, String> props = valid();
    props.put("errors.tolerance", "all");
    assertThat(errors(props).get("errors.tolerance").get(0))
        .contains("errors.deadletterqueue.topic.name");
    props.put("errors.deadletterqueue.topic.name", "orders.erp.dlq");
    assertThat(errors(props)).isEmpty();
  }

  @Test
  void refusesAMissingTrustStore() {
    Map<String, String> props = valid();
    props.put(ErpSinkConfigKeys.TLS_TRUSTSTORE_PATH, "/nonexistent/trust.p12");
    assertThat(errors(props).get(ErpSinkConfigKeys.TLS_TRUSTSTORE_PATH).get(0))
        .contains("not a readable file");
  }

  @Test
  void startFailsClearlyOnABadConfig() {
    Map<String, String> props = valid();
    props.put(ErpSinkConfigKeys.TIMEOUT_MS, "-1");
    assertThatThrownBy(() -> new ErpSinkConnector().start(props))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ErpSinkConfigKeys.TIMEOUT_MS);
  }

  @Test
  void secretsNeverShowInToStringOrValues() {
    Map<String, String> props = valid();
    props.put(ErpSinkConfigKeys.AUTH_TYPE, "bearer");
    props.put(ErpSinkConfigKeys.AUTH_TOKEN, "tok-SECRET-123");
    ErpSinkConfig config = new ErpSinkConfig(props);
    assertThat(config.toString()).doesNotContain("SECRET");
    assertThat(config.values().toString()).doesNotContain("SECRET");
    assertThat(new ErpHttpClient(config).toString()).doesNotContain("SECRET");
  }

  @Test
  void aTokenWithATrailingNewlineWorksAndABrokenOneFailsWithoutShowingIt() {
    Map<String, String> props = valid();
    props.put(ErpSinkConfigKeys.AUTH_TYPE, "bearer");
    props.put(ErpSinkConfigKeys.AUTH_TOKEN, "tok-SECRET-123\n");
    new ErpHttpClient(new ErpSinkConfig(props)).close();
    props.put(ErpSinkConfigKeys.AUTH_TOKEN, "tok-SECRET\n-123");
    assertThatThrownBy(() -> new ErpHttpClient(new ErpSinkConfig(props)))
        .hasMessageContaining("erp.auth")
        .satisfies(e -> assertThat(e.toString()).doesNotContain("SECRET"));
  }

  @Test
  void everyKeyIsDocumentedAndTheVersionComesFromTheBuild() {
    for (var key : ErpSinkConfig.CONFIG_DEF.configKeys().values()) {
      assertThat(key.documentation).as(key.name).isNotBlank();
    }
    assertThat(new ErpSinkConnector().version()).isNotBlank().isNotEqualTo("unknown");
    assertThat(new ErpSinkConnector().version()).doesNotContain("${");
  }

  @Test
  void tasksGetTheConnectorConfigAndTheirIndex() {
    ErpSinkConnector connector = new ErpSinkConnector();
    connector.start(valid());
    var configs = connector.taskConfigs(3);
    assertThat(configs).hasSize(3);
    assertThat(configs.get(2)).containsEntry(ErpSinkTask.TASK_INDEX, "2");
    assertThat(configs.get(0)).containsEntry(ErpSinkConfigKeys.URL, "https://erp.internal/api/cdc");
  }
}
