package io.twinlog.operator.desired;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import java.util.Map;

/** Metadata of a resource the pipeline owns: its namespace, labels and controller reference. */
final class Ownership {
  private Ownership() {}

  /** The controller reference to the pipeline, so deleting it deletes the resource. */
  static OwnerReference ownerReference(CdcPipeline pipeline) {
    return new OwnerReferenceBuilder()
        .withApiVersion(CdcPipeline.API_VERSION)
        .withKind(CdcPipeline.KIND)
        .withName(pipeline.getMetadata().getName())
        .withUid(pipeline.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  /** Metadata in the pipeline's namespace, with the given name and labels, owned by it. */
  static ObjectMeta metadata(CdcPipeline pipeline, String name, Map<String, String> labels) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(pipeline.getMetadata().getNamespace())
        .withLabels(labels)
        .withOwnerReferences(ownerReference(pipeline))
        .build();
  }
}
