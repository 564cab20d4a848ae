package io.twinlog.operator.api.v1alpha1;

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

/** A highly available, deduplicated CDC pipeline from MySQL/MariaDB replicas to an ERP. */
@Group(CdcPipeline.GROUP)
@Version(CdcPipeline.VERSION)
@Kind(CdcPipeline.KIND)
@Plural(CdcPipeline.PLURAL)
@Singular("cdcpipeline")
@ShortNames("cdcp")
@Categories("twinlog")
// metadata.name becomes label values and Service names: a DNS-1035 label of at most 63 characters.
@SchemaCustomizer(value = MetadataNameSchema.class, input = "63")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "Whether the pipeline delivers changes end to end")
@AdditionalPrinterColumn(
    name = "Sources",
    jsonPath = ".status.sourcesReady",
    type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "Healthy sources / all sources")
@AdditionalPrinterColumn(
    name = "Dedup",
    jsonPath = ".status.dedupReady",
    type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "Ready dedup instances / desired instances")
@AdditionalPrinterColumn(
    name = "Sink",
    jsonPath = ".status.sinkState",
    type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "State of the ERP sink connector")
@AdditionalPrinterColumn(
    name = "Restarts",
    jsonPath = ".status.restarts",
    type = AdditionalPrinterColumn.Type.INTEGER,
    getDescription = "Connector restarts made by Twinlog")
@AdditionalPrinterColumn(
    name = "DeadLetters",
    jsonPath = ".status.deadLetters",
    type = AdditionalPrinterColumn.Type.INTEGER,
    getDescription = "Changes on the dead-letter topics of the dedup runtime and the sink")
@AdditionalPrinterColumn(
    name = "Retention",
    jsonPath = ".status.retention",
    type = AdditionalPrinterColumn.Type.STRING,
    getDescription =
        "Shortest binlog retention among the source replicas; PostgreSQL: most WAL a slot retains")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class CdcPipeline extends CustomResource<CdcPipelineSpec, CdcPipelineStatus>
    implements Namespaced {

  /** API group. */
  public static final String GROUP = "cdc.twinlog.io";

  /** API version. */
  public static final String VERSION = "v1alpha1";

  /** Kind. */
  public static final String KIND = "CdcPipeline";

  /** Plural resource name. */
  public static final String PLURAL = "cdcpipelines";

  /** {@code apiVersion} as written in YAML. */
  public static final String API_VERSION = GROUP + "/" + VERSION;

  @Override
  @JsonPropertyDescription("Desired state of the pipeline.")
  public CdcPipelineSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("Observed state of the pipeline, written by the Twinlog operator.")
  public CdcPipelineStatus getStatus() {
    return super.getStatus();
  }
}
