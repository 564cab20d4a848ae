package io.twinlog.erp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Kafka Connect sink connector that delivers deduplicated changes to an ERP's HTTP API, with an
 * idempotency key, per-key order, retries and a dead-letter topic.
 */
public class ErpSinkConnector extends SinkConnector {
  private Map<String, String> props;

  @Override
  public String version() {
    return Version.get();
  }

  @Override
  public void start(Map<String, String> props) {
    // Parsing here fails the connector, not only its tasks, on a bad configuration.
    new ErpSinkConfig(props);
    this.props = Map.copyOf(props);
  }

  @Override
  public Class<? extends Task> taskClass() {
    return ErpSinkTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    List<Map<String, String>> configs = new ArrayList<>(maxTasks);
    for (int i = 0; i < maxTasks; i++) {
      Map<String, String> config = new HashMap<>(props);
      config.put(ErpSinkTask.TASK_INDEX, Integer.toString(i));
      configs.add(config);
    }
    return configs;
  }

  @Override
  public void stop() {}

  @Override
  public ConfigDef config() {
    return ErpSinkConfig.CONFIG_DEF;
  }

  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    Config config = super.validate(connectorConfigs);
    Map<String, List<String>> problems = ErpSinkValidators.crossKeyProblems(connectorConfigs);
    if (problems.isEmpty()) {
      return config;
    }
    List<ConfigValue> values = new ArrayList<>(config.configValues());
    problems.forEach(
        (key, messages) -> {
          ConfigValue value =
              values.stream()
                  .filter(v -> v.name().equals(key))
                  .findFirst()
                  .orElseGet(
                      () -> {
                        ConfigValue added =
                            new ConfigValue(
                                key,
                                connectorConfigs.get(key),
                                new ArrayList<>(),
                                new ArrayList<>());
                        values.add(added);
                        return added;
                      });
          messages.forEach(value::addErrorMessage);
        });
    return new Config(values);
  }
}
