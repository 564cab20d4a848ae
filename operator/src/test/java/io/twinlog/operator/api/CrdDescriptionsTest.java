package io.twinlog.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.webhook.ErpWebhook;
import io.twinlog.operator.status.Reasons;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What {@code kubectl explain} shows of the committed CRDs (crds/*.yml) is complete: it prints a
 * field's description but never its schema default, so every field explains itself and states its
 * default, and the reasons a status description names are reasons the operator writes.
 */
class CrdDescriptionsTest {

  private static final Path CRDS = Path.of("..", "crds");

  /** A CamelCase word of two or more parts, such as BinlogPositionPurged. */
  private static final Pattern CAMEL_CASE =
      Pattern.compile("\\b[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+\\b");

  @Test
  void everyFieldHasADescription() throws IOException {
    List<String> missing = new ArrayList<>();
    forEachProperty(
        (path, props) -> {
          // Under metadata the API server allows nothing but name and generateName constraints.
          if (!path.contains(":.metadata")
              && (props.getDescription() == null || props.getDescription().isBlank())) {
            missing.add(path);
          }
        });
    assertThat(missing).as("fields without a description").isEmpty();
  }

  @Test
  void everyDescriptionStatesTheSchemaDefault() throws IOException {
    List<String> unstated = new ArrayList<>();
    List<String> checked = new ArrayList<>();
    forEachProperty(
        (path, props) -> {
          if (props.getDefault() == null) {
            return;
          }
          checked.add(path);
          String expected = "Default: " + stated(props.getDefault());
          String description = props.getDescription() == null ? "" : props.getDescription();
          if (!Pattern.compile(Pattern.quote(expected) + "(?![\\w-])")
              .matcher(description)
              .find()) {
            unstated.add(path + " (wants \"" + expected + "\"): " + description);
          }
          if (props.getDefault().isObject()
              && !props.getDefault().equals(childDefaults(props.getProperties()))) {
            unstated.add(path + ": the default is not {} with each field at its own default");
          }
        });
    assertThat(checked).as("fields with a schema default").hasSizeGreaterThan(100);
    assertThat(unstated).as("descriptions that do not state the schema default").isEmpty();
  }

  @Test
  void statusDescriptionsNameOnlyReasonsTheOperatorWrites() throws Exception {
    Set<String> reasons = new HashSet<>(Reasons.withRunbook());
    for (Field field : Reasons.class.getFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
        reasons.add((String) field.get(null));
      }
    }
    List<String> unknown = new ArrayList<>();
    List<String> named = new ArrayList<>();
    forEachProperty(
        (path, props) -> {
          if (!path.contains(":.status") || !path.endsWith(".reason")) {
            return;
          }
          String description = props.getDescription() == null ? "" : props.getDescription();
          Matcher words = CAMEL_CASE.matcher(description);
          while (words.find()) {
            String word = words.group();
            // "in CamelCase", kinds, and condition types such as "the SinkReady reason".
            if (word.equals("CamelCase")
                || word.equals(CdcPipeline.KIND)
                || word.equals(ErpWebhook.KIND)
                || description.contains(word + " reason")) {
              continue;
            }
            named.add(word);
            if (!reasons.contains(word)) {
              unknown.add(path + ": " + word);
            }
          }
        });
    assertThat(named).as("reasons named in status descriptions").isNotEmpty();
    assertThat(unknown).as("names that are no reason in Reasons").isEmpty();
  }

  /** The default as a description states it: {} for objects, none for null. */
  private static String stated(JsonNode value) {
    if (value.isObject()) {
      return "{}";
    }
    if (value.isNull()) {
      return "none";
    }
    return value.isTextual() ? value.textValue() : value.toString();
  }

  /** The object of every child's own default (an object default must be nothing more). */
  private static ObjectNode childDefaults(Map<String, JSONSchemaProps> children) {
    ObjectNode defaults = JsonNodeFactory.instance.objectNode();
    if (children != null) {
      children.forEach(
          (name, child) -> {
            if (child.getDefault() != null && !child.getDefault().isNull()) {
              defaults.set(name, child.getDefault());
            }
          });
    }
    return defaults;
  }

  /** Every property of both CRDs, as {@code file:.spec.a.b[]} with its schema. */
  private static void forEachProperty(BiConsumer<String, JSONSchemaProps> visit)
      throws IOException {
    KubernetesSerialization serialization = new KubernetesSerialization();
    List<Path> files;
    try (Stream<Path> listed = Files.list(CRDS)) {
      files = listed.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
    }
    assertThat(files).hasSize(2);
    for (Path file : files) {
      CustomResourceDefinition crd =
          serialization.unmarshal(Files.readString(file), CustomResourceDefinition.class);
      JSONSchemaProps root = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
      walk(file.getFileName() + ":", root, visit);
    }
  }

  private static void walk(
      String path, JSONSchemaProps props, BiConsumer<String, JSONSchemaProps> visit) {
    if (props.getProperties() != null) {
      props
          .getProperties()
          .forEach(
              (name, child) -> {
                visit.accept(path + "." + name, child);
                walk(path + "." + name, child, visit);
              });
    }
    if (props.getItems() != null && props.getItems().getSchema() != null) {
      walk(path + "[]", props.getItems().getSchema(), visit);
    }
    if (props.getAdditionalProperties() != null
        && props.getAdditionalProperties().getSchema() != null) {
      walk(path + "{}", props.getAdditionalProperties().getSchema(), visit);
    }
  }
}
