package io.twinlog.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.webhook.ErpWebhook;
import io.twinlog.operator.desired.SecretRefs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The YAML in samples/ is what users copy: it must parse into the model and validate. */
class SamplesTest {

  private static final Path SAMPLES = Path.of("..", "samples");
  private static final Path INVALID = SAMPLES.resolve("invalid");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  @Test
  void validSamplesParseIntoTheModelAndPassValidation() throws IOException {
    List<String> pipelines = new ArrayList<>();
    for (Path file : yamlFiles(SAMPLES)) {
      for (String doc : documents(file)) {
        @SuppressWarnings("unchecked")
        Map<String, Object> raw = YAML.readValue(doc, Map.class);
        assertThat(raw).as(file.toString()).containsKeys("apiVersion", "kind", "metadata");
        if (ErpWebhook.KIND.equals(raw.get("kind"))) {
          ErpWebhook webhook = SERIALIZATION.unmarshal(doc, ErpWebhook.class);
          assertThat(unknownFields("", raw, SERIALIZATION.convertValue(webhook, Map.class)))
              .as("fields in %s the model does not know", file)
              .isEmpty();
          pipelines.add(file.getFileName().toString());
          continue;
        }
        if (!CdcPipeline.KIND.equals(raw.get("kind"))) {
          continue;
        }
        CdcPipeline pipeline = parse(doc);
        assertThat(unknownFields("", raw, SERIALIZATION.convertValue(pipeline, Map.class)))
            .as("fields in %s the model does not know", file)
            .isEmpty();
        assertThat(SpecValidator.validate(pipeline)).as(file.toString()).isEmpty();
        pipelines.add(file.getFileName().toString());
      }
    }
    assertThat(pipelines)
        .contains(
            "03-pipeline-minimal.yaml",
            "04-pipeline-full.yaml",
            "06-erp-webhook.yaml",
            "07-pipeline-postgresql.yaml",
            "08-erp-webhook-mtls.yaml");
  }

  @Test
  void invalidSamplesFailWithTheirExpectedMessage() throws IOException {
    List<Path> files = yamlFiles(INVALID);
    assertThat(files).hasSizeGreaterThanOrEqualTo(8);
    for (Path file : files) {
      String text = Files.readString(file);
      String expected =
          text.lines()
              .filter(l -> l.startsWith("# expect: "))
              .map(l -> l.substring("# expect: ".length()))
              .findFirst()
              .orElseThrow(() -> new AssertionError(file + " has no '# expect: ' line"));
      assertThat(SpecValidator.validate(parse(text)))
          .as(file.toString())
          .extracting(ValidationError::toString)
          .contains(expected);
    }
  }

  @Test
  void kafkaConnectSampleCanRunWhatPipelinesCreate() throws IOException {
    Map<String, Map<String, Object>> byKind = new java.util.HashMap<>();
    for (String doc : documents(SAMPLES.resolve("01-kafka-connect.yaml"))) {
      @SuppressWarnings("unchecked")
      Map<String, Object> raw = YAML.readValue(doc, Map.class);
      byKind.put((String) raw.get("kind"), raw);
    }
    String connect = YAML.writeValueAsString(byKind.get("KafkaConnect"));
    assertThat(connect)
        .contains("apiVersion: \"kafka.strimzi.io/v1\"")
        .contains("config.providers: \"" + SecretRefs.PROVIDER + "\"")
        .contains("config.providers." + SecretRefs.PROVIDER + ".class:")
        .contains("io.strimzi.kafka.KubernetesSecretConfigProvider")
        .contains("artifact: \"debezium-connector-mariadb\"")
        .contains("artifact: \"debezium-connector-mysql\"")
        .contains("artifact: \"debezium-connector-postgres\"")
        .contains("artifact: \"twinlog-erp-connector\"");
    // The Role lets Connect read exactly the Secrets the sample pipelines reference.
    String role = YAML.writeValueAsString(byKind.get("Role"));
    for (String pipeline :
        List.of(
            "03-pipeline-minimal.yaml", "04-pipeline-full.yaml", "07-pipeline-postgresql.yaml")) {
      CdcPipeline p = parse(Files.readString(SAMPLES.resolve(pipeline)));
      assertThat(role)
          .contains("- \"" + p.getSpec().getSource().getCredentials().getSecretName() + "\"");
      assertThat(role)
          .contains("- \"" + p.getSpec().getSink().getErp().getAuth().getSecretName() + "\"");
      assertThat(p.getSpec().getKafka().getConnectCluster())
          .isEqualTo(((Map<?, ?>) byKind.get("KafkaConnect").get("metadata")).get("name"));
    }
  }

  /** Parses a pipeline the way the API server stores it: in the namespace it was applied to. */
  private static CdcPipeline parse(String yaml) {
    CdcPipeline pipeline = SERIALIZATION.unmarshal(yaml, CdcPipeline.class);
    if (pipeline.getMetadata().getNamespace() == null) {
      pipeline.getMetadata().setNamespace("default");
    }
    return pipeline;
  }

  /** Paths present in the sample but lost by parsing it into the model: typos, unknown fields. */
  private static List<String> unknownFields(String path, Object sample, Object parsed) {
    List<String> unknown = new ArrayList<>();
    if (sample instanceof Map<?, ?> s) {
      if (!(parsed instanceof Map<?, ?> p)) {
        return List.of(path);
      }
      s.forEach(
          (k, v) -> {
            String child = path + "." + k;
            if (!p.containsKey(k)) {
              unknown.add(child);
            } else {
              unknown.addAll(unknownFields(child, v, p.get(k)));
            }
          });
    } else if (sample instanceof List<?> s) {
      if (!(parsed instanceof List<?> p) || p.size() != s.size()) {
        return List.of(path);
      }
      for (int i = 0; i < s.size(); i++) {
        unknown.addAll(unknownFields(path + "[" + i + "]", s.get(i), p.get(i)));
      }
    }
    return unknown;
  }

  private static List<String> documents(Path file) throws IOException {
    return Arrays.stream(Files.readString(file).split("(?m)^---\\s*$"))
        .filter(d -> d.lines().anyMatch(l -> !l.isBlank() && !l.startsWith("#")))
        .toList();
  }

  private static List<Path> yamlFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
  }
}
