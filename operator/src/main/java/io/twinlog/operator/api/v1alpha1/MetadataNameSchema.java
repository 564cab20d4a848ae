package io.twinlog.operator.api.v1alpha1;

import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adds {@code metadata.name} to a CRD's root schema as a DNS-1035 label of at most {@code input}
 * characters: the only constraints the API server allows under {@code metadata}, and it reports a
 * breach at {@code metadata.name} (a CEL rule on the root reports no field). Run by the CRD
 * generator through {@code @SchemaCustomizer}; its own merge-patch customizer would replace the
 * root's properties instead of adding to them.
 */
public final class MetadataNameSchema implements SchemaCustomizer.Customizer {

  @Override
  public JSONSchemaProps apply(
      JSONSchemaProps root, String input, KubernetesSerialization serialization) {
    JSONSchemaProps name =
        new JSONSchemaPropsBuilder()
            .withType("string")
            .withMaxLength(Long.parseLong(input))
            .withPattern(ApiPatterns.DNS_1035_LABEL)
            .build();
    Map<String, JSONSchemaProps> properties = new LinkedHashMap<>();
    properties.put(
        "metadata",
        new JSONSchemaPropsBuilder().withType("object").addToProperties("name", name).build());
    properties.putAll(root.getProperties());
    root.setProperties(properties);
    return root;
  }
}
