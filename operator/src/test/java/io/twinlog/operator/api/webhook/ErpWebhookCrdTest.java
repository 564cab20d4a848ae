package io.twinlog.operator.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.twinlog.operator.api.CrdExport;
import io.twinlog.operator.api.CrdUpToDateTest;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ErpWebhook CRD in crds/ is the generated one (printer columns in kubectl order), and every
 * field explains itself. Refreshed by the same command as the CdcPipeline CRD.
 */
class ErpWebhookCrdTest {
  static final String FILE_NAME = "erpwebhooks.cdc.twinlog.io-v1.yml";
  static final Path COMMITTED = Path.of("..", "crds", FILE_NAME);
  static final List<String> COLUMN_ORDER =
      List.of("Ready", "Endpoint", "Received", "Delivered", "DeadLetters", "Age");
  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  static CustomResourceDefinition generated() throws Exception {
    try (InputStream in =
        ErpWebhookCrdTest.class.getResourceAsStream("/META-INF/fabric8/" + FILE_NAME)) {
      assertThat(in).as("the build generated " + FILE_NAME).isNotNull();
      return SERIALIZATION.unmarshal(in, CustomResourceDefinition.class);
    }
  }

  static String exportedYaml() throws Exception {
    CustomResourceDefinition crd = generated();
    for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
      List<CustomResourceColumnDefinition> columns =
          new ArrayList<>(version.getAdditionalPrinterColumns());
      columns.sort(Comparator.comparingInt(c -> COLUMN_ORDER.indexOf(c.getName())));
      version.setAdditionalPrinterColumns(columns);
    }
    return "# Generated from io.twinlog.operator.api.v1alpha1.webhook.ErpWebhook; do not edit.\n"
        + "# Refresh: "
        + CrdExport.REFRESH_COMMAND.replace(
            "CrdUpToDateTest,", "CrdUpToDateTest,ErpWebhookCrdTest,")
        + "\n"
        + SERIALIZATION.asYaml(crd).replaceFirst("^---\n", "");
  }

  @Test
  void committedCrdMatchesTheJavaModel() throws Exception {
    String expected = exportedYaml();
    if (CrdExport.refreshRequested()) {
      Files.writeString(COMMITTED, expected, StandardCharsets.UTF_8);
    }
    String committed = Files.exists(COMMITTED) ? Files.readString(COMMITTED) : "";
    assertThat(committed)
        .as("crds/%s is stale; refresh it (see its header)", FILE_NAME)
        .isEqualTo(expected);
  }

  @Test
  void statusIsASubresourceAndMetadataNameADns1035LabelOfAtMost40Characters() throws Exception {
    CustomResourceDefinitionVersion version = generated().getSpec().getVersions().get(0);
    assertThat(version.getSubresources().getStatus()).isNotNull();
    CrdUpToDateTest.assertMetadataNameSchema(version.getSchema().getOpenAPIV3Schema(), 40);
  }
}
