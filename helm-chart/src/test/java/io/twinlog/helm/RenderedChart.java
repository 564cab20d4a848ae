package io.twinlog.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The chart rendered by real Helm ({@code helm template}) and parsed into fabric8 objects. */
final class RenderedChart {
  /** The chart's folder, relative to the helm-chart module (Surefire's working directory). */
  static final Path CHART = Path.of("twinlog");

  static final String RELEASE = "twinlog";
  static final String NAMESPACE = "twinlog-system";

  /** Helm's client-side default (v1.20) is older than the chart's kubeVersion constraint. */
  static final String KUBE_VERSION = "1.31.0";

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

  private final List<HasMetadata> objects;
  private final String yaml;

  private RenderedChart(String yaml) {
    this.yaml = yaml;
    List<HasMetadata> parsed = new ArrayList<>();
    for (String document : DOCUMENT_SEPARATOR.split(yaml)) {
      if (document.lines().anyMatch(line -> line.startsWith("kind:"))) {
        parsed.add(SERIALIZATION.unmarshal(document, HasMetadata.class));
      }
    }
    this.objects = List.copyOf(parsed);
  }

  /** Renders with the chart's defaults overridden by {@code valuesYaml} (a values file's text). */
  static RenderedChart render(String valuesYaml) {
    TemplateCommand template =
        new Helm(CHART)
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBE_VERSION);
    if (!valuesYaml.isBlank()) {
      template = template.withValuesFile(valuesFile(valuesYaml));
    }
    return new RenderedChart(template.call());
  }

  static RenderedChart defaults() {
    return render("");
  }

  static Path valuesFile(String valuesYaml) {
    try {
      Path file = Files.createTempFile("twinlog-values", ".yaml");
      file.toFile().deleteOnExit();
      return Files.writeString(file, valuesYaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String yaml() {
    return yaml;
  }

  List<HasMetadata> objects() {
    return objects;
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  List<HasMetadata> ofKind(String kind) {
    return objects.stream().filter(o -> o.getKind().equals(kind)).toList();
  }

  <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
    return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst();
  }

  Deployment operatorDeployment() {
    List<Deployment> deployments = all(Deployment.class);
    if (deployments.size() != 1) {
      throw new AssertionError("expected one Deployment, got " + deployments.size());
    }
    return deployments.get(0);
  }
}
