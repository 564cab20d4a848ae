package io.twinlog.operator.api;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns the CRD that fabric8's generator wrote into target/classes into the file kept in crds/.
 *
 * <p>The only change is the order of the printer columns: generator 7.5.2 sorts them by JSON path,
 * which would put AGE second; kubectl shows them in {@link #COLUMN_ORDER}.
 */
public final class CrdExport {
  private CrdExport() {}

  /** Name of the generated CRD file, in target/classes/META-INF/fabric8 and in crds/. */
  public static final String FILE_NAME = "cdcpipelines.cdc.twinlog.io-v1.yml";

  /** The committed copy, relative to the operator module. */
  public static final Path COMMITTED = Path.of("..", "crds", FILE_NAME);

  /** The command that refreshes crds/ and docs/reference from the Java model. */
  public static final String REFRESH_COMMAND =
      "./dev mvn -B -ntp -pl operator -am test -Dtest='CrdUpToDateTest,CrdReferenceDocTest'"
          + " -Dsurefire.failIfNoSpecifiedTests=false -Dtwinlog.refresh=true";

  /** The column order of {@code kubectl get cdcpipelines}. */
  public static final List<String> COLUMN_ORDER =
      List.of("Ready", "Sources", "Dedup", "Sink", "Restarts", "DeadLetters", "Retention", "Age");

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** Whether the build was asked to rewrite the committed files instead of comparing them. */
  public static boolean refreshRequested() {
    return Boolean.getBoolean("twinlog.refresh");
  }

  /** The CRD as the generator produced it in this build. */
  public static CustomResourceDefinition generated() {
    try (InputStream in = CrdExport.class.getResourceAsStream("/META-INF/fabric8/" + FILE_NAME)) {
      if (in == null) {
        throw new IllegalStateException(
            "the build produced no " + FILE_NAME + " (is crd-generator-maven-plugin bound?)");
      }
      return SERIALIZATION.unmarshal(in, CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The text crds/ should hold. */
  public static String exportedYaml() {
    CustomResourceDefinition crd = generated();
    for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
      List<CustomResourceColumnDefinition> columns =
          new ArrayList<>(version.getAdditionalPrinterColumns());
      columns.sort(Comparator.comparingInt(c -> orderOf(c.getName())));
      version.setAdditionalPrinterColumns(columns);
    }
    return "# Generated from io.twinlog.operator.api.v1alpha1.CdcPipeline; do not edit.\n"
        + "# Refresh: "
        + REFRESH_COMMAND
        + "\n"
        + SERIALIZATION.asYaml(crd).replaceFirst("^---\n", "");
  }

  /** The committed crds/ file, or an empty string when it does not exist. */
  public static String committedYaml() throws IOException {
    return Files.exists(COMMITTED) ? Files.readString(COMMITTED, StandardCharsets.UTF_8) : "";
  }

  private static int orderOf(String column) {
    int index = COLUMN_ORDER.indexOf(column);
    if (index < 0) {
      throw new IllegalStateException("printer column " + column + " missing in COLUMN_ORDER");
    }
    return index;
  }
}
