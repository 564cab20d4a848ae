package io.twinlog.operator.api.v1alpha1.webhook;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.MetadataNameSchema;

/**
 * An ERP's webhooks into Kafka and on to a system: receiver pods, a dedup step by event id and an
 * HTTP delivery (docs/concepts/webhooks.md).
 */
@Group(CdcPipeline.GROUP)
@Version(CdcPipeline.VERSION)
@Kind(ErpWebhook.KIND)
@Plural(ErpWebhook.PLURAL)
@Singular("erpwebhook")
@ShortNames("erpwh")
@Categories("twinlog")
// metadata.name becomes label values and, with suffixes, Deployment and Service names: a DNS-1035
// label of at most 40 characters.
@SchemaCustomizer(value = MetadataNameSchema.class, input = "40")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "Whether webhooks are received and delivered")
@AdditionalPrinterColumn(
    name = "Endpoint",
    jsonPath = ".status.endpoint",
    type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "In-cluster URL the ERP's webhooks go to (behind your ingress)")
@AdditionalPrinterColumn(
    name = "Received",
    jsonPath = ".status.received",
    type = AdditionalPrinterColumn.Type.INTEGER,
    getDescription = "Webhooks acknowledged by Kafka")
@AdditionalPrinterColumn(
    name = "Delivered",
    jsonPath = ".status.delivered",
    type = AdditionalPrinterColumn.Type.INTEGER,
    getDescription = "Events acknowledged by the system")
@AdditionalPrinterColumn(
    name = "DeadLetters",
    jsonPath = ".status.deadLetters",
    type = AdditionalPrinterColumn.Type.INTEGER,
    getDescription = "Events the system refused after the retries")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class ErpWebhook extends CustomResource<ErpWebhookSpec, ErpWebhookStatus>
    implements Namespaced {

  /** Kind. */
  public static final String KIND = "ErpWebhook";

  /** Plural resource name. */
  public static final String PLURAL = "erpwebhooks";

  /** {@code apiVersion} as written in YAML. */
  public static final String API_VERSION = CdcPipeline.API_VERSION;

  @Override
  @JsonPropertyDescription(
      "Desired state: where the ERP's webhooks arrive and how they are checked, deduplicated and"
          + " delivered.")
  public ErpWebhookSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("Observed state of the webhooks' way, written by the Twinlog operator.")
  public ErpWebhookStatus getStatus() {
    return super.getStatus();
  }
}
