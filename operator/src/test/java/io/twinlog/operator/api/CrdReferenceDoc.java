package io.twinlog.operator.api;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Renders docs/reference/cdcpipeline.md from the committed CRD, so the reference cannot drift. */
public final class CrdReferenceDoc {
  private CrdReferenceDoc() {}

  /** The committed reference, relative to the operator module. */
  public static final Path COMMITTED = Path.of("..", "docs", "reference", "cdcpipeline.md");

  /** Fields whose children are Kubernetes' own types, documented by Kubernetes. */
  private static final Set<String> NOT_EXPANDED = Set.of("spec.dedup.resources");

  /** The Markdown for the given CRD YAML. */
  public static String render(String crdYaml) {
    CustomResourceDefinition crd =
        new KubernetesSerialization().unmarshal(crdYaml, CustomResourceDefinition.class);
    CustomResourceDefinitionVersion version = crd.getSpec().getVersions().get(0);
    JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
    StringBuilder md = new StringBuilder();
    md.append("# CdcPipeline reference (")
        .append(crd.getSpec().getGroup())
        .append('/')
        .append(version.getName())
        .append(")\n\n")
        .append("<!-- Generated from crds/")
        .append(CrdExport.FILE_NAME)
        .append(" by CrdReferenceDoc; do not edit. Refresh: ")
        .append(CrdExport.REFRESH_COMMAND)
        .append(" -->\n\n")
        .append("Kind `")
        .append(crd.getSpec().getNames().getKind())
        .append("`, ")
        .append(crd.getSpec().getScope().toLowerCase())
        .append(", plural `")
        .append(crd.getSpec().getNames().getPlural())
        .append("`, short names `")
        .append(String.join("`, `", crd.getSpec().getNames().getShortNames()))
        .append("`, categories `")
        .append(String.join("`, `", crd.getSpec().getNames().getCategories()))
        .append("`. `kubectl explain cdcpipeline.spec` prints the same descriptions.\n\n");

    md.append("## `kubectl get cdcpipelines` columns\n\n")
        .append("| Column | JSON path | Description |\n|---|---|---|\n");
    for (CustomResourceColumnDefinition c : version.getAdditionalPrinterColumns()) {
      md.append("| ")
          .append(c.getName().toUpperCase())
          .append(" | `")
          .append(cell(c.getJsonPath()))
          .append("` | ")
          .append(text(c.getDescription() == null ? "Time since creation" : c.getDescription()))
          .append(" |\n");
    }

    for (String section : List.of("metadata", "spec", "status")) {
      JSONSchemaProps props = root.getProperties().get(section);
      md.append("\n## `").append(section).append("`\n\n");
      // The API server allows no description under metadata, only name's constraints.
      md.append(
              section.equals("metadata")
                  ? "Kubernetes' object metadata. The schema limits the name only: it becomes label"
                      + " values and Service names, and the API server rejects a name that breaks"
                      + " these constraints at metadata.name."
                  : text(props.getDescription()))
          .append("\n\n");
      md.append("| Field | Type | Required | Default | Constraints | Description |\n");
      md.append("|---|---|---|---|---|---|\n");
      List<String> rows = new ArrayList<>();
      fields(section, props, rows);
      rows.forEach(md::append);
    }

    List<String> rules = new ArrayList<>();
    rules(root, "", rules);
    md.append("\n## Cross-field rules (CEL, checked by the API server)\n\n")
        .append(
            "The operator's validator checks the same rules (and more) and reports a failure as")
        .append(" `Ready=False`, reason `InvalidSpec`.\n\n")
        .append("| On | Rule | Message |\n|---|---|---|\n");
    rules.forEach(md::append);
    return md.toString();
  }

  private static void fields(String path, JSONSchemaProps object, List<String> rows) {
    if (object.getProperties() == null || NOT_EXPANDED.contains(path)) {
      return;
    }
    for (Map.Entry<String, JSONSchemaProps> e : object.getProperties().entrySet()) {
      String child = path + "." + e.getKey();
      JSONSchemaProps p = e.getValue();
      boolean required = object.getRequired() != null && object.getRequired().contains(e.getKey());
      rows.add(
          "| `"
              + child
              + "` | "
              + type(p)
              + " | "
              + (required ? "yes" : "")
              + " | "
              + (p.getDefault() == null
                  ? ""
                  : "`"
                      + cell(
                          p.getDefault().isTextual()
                              ? p.getDefault().asText()
                              : p.getDefault().toString())
                      + "`")
              + " | "
              + constraints(p)
              + " | "
              + text(p.getDescription())
              + " |\n");
      fields(child, p, rows);
      if (p.getItems() != null && p.getItems().getSchema() != null) {
        fields(child + "[]", p.getItems().getSchema(), rows);
      }
    }
  }

  private static void rules(JSONSchemaProps props, String path, List<String> out) {
    if (props.getXKubernetesValidations() != null) {
      for (ValidationRule r : props.getXKubernetesValidations()) {
        out.add(
            "| `"
                + (path.isEmpty() ? "." : path.substring(1))
                + "` | "
                + code(r.getRule())
                + " | "
                + text(r.getMessage())
                + " |\n");
      }
    }
    if (props.getProperties() != null) {
      props.getProperties().forEach((name, child) -> rules(child, path + "." + name, out));
    }
    if (props.getItems() != null && props.getItems().getSchema() != null) {
      rules(props.getItems().getSchema(), path + "[]", out);
    }
  }

  private static String type(JSONSchemaProps p) {
    if (Boolean.TRUE.equals(p.getXKubernetesIntOrString())) {
      return "int or string";
    }
    if ("array".equals(p.getType()) && p.getItems() != null && p.getItems().getSchema() != null) {
      return "[]" + type(p.getItems().getSchema());
    }
    if ("object".equals(p.getType())
        && p.getAdditionalProperties() != null
        && p.getAdditionalProperties().getSchema() != null) {
      return "map[string]" + type(p.getAdditionalProperties().getSchema());
    }
    return p.getType() == null ? "" : p.getType();
  }

  private static String constraints(JSONSchemaProps p) {
    List<String> c = new ArrayList<>();
    if (p.getEnum() != null && !p.getEnum().isEmpty()) {
      c.add(
          "one of "
              + String.join(", ", p.getEnum().stream().map(v -> "`" + v.asText() + "`").toList()));
    }
    if (p.getMinimum() != null) c.add("min " + number(p.getMinimum()));
    if (p.getMaximum() != null) c.add("max " + number(p.getMaximum()));
    if (p.getMinLength() != null) c.add("length >= " + p.getMinLength());
    if (p.getMaxLength() != null) c.add("length <= " + p.getMaxLength());
    if (p.getMinItems() != null) c.add("items >= " + p.getMinItems());
    if (p.getMaxItems() != null) c.add("items <= " + p.getMaxItems());
    if (p.getMaxProperties() != null) c.add("entries <= " + p.getMaxProperties());
    if (p.getPattern() != null) c.add("pattern " + code(p.getPattern()));
    if (p.getItems() != null && p.getItems().getSchema() != null) {
      String items = constraints(p.getItems().getSchema());
      if (!items.isEmpty()) c.add("each: " + items);
    }
    return String.join("; ", c);
  }

  private static String number(Double d) {
    return d == Math.rint(d) ? Long.toString(d.longValue()) : d.toString();
  }

  /** A code span that survives backticks inside it. */
  private static String code(String text) {
    return text.contains("`") ? "`` " + cell(text) + " ``" : "`" + cell(text) + "`";
  }

  /** Prose: angle brackets would be read as HTML tags. */
  private static String text(String prose) {
    return cell(prose).replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String cell(String text) {
    return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
  }
}
