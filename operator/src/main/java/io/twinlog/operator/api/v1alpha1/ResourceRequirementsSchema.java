package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;
import lombok.Getter;

/**
 * The CRD schema of a container's {@code resources} (Kubernetes' ResourceRequirements, whose
 * fabric8 model carries no descriptions): the same fields, explained. Only the generator reads it
 * ({@code @SchemaFrom}); the fields themselves stay ResourceRequirements.
 */
@Getter
public final class ResourceRequirementsSchema {
  private ResourceRequirementsSchema() {}

  @JsonPropertyDescription(
      "Most of each resource the container may use, such as cpu: 500m or memory: 512Mi; memory"
          + " beyond its limit gets the container killed, CPU beyond its limit throttled.")
  private Map<String, Quantity> limits;

  @JsonPropertyDescription(
      "What the scheduler reserves for the container, such as cpu: 100m or memory: 256Mi; a"
          + " resource with a limit and no request gets the limit as its request.")
  private Map<String, Quantity> requests;

  @JsonPropertyDescription(
      "Dynamic resource claims (the pod's spec.resourceClaims) the container uses; Twinlog's pods"
          + " declare none.")
  private List<Claim> claims;

  /** One entry of {@code claims}. */
  @Getter
  public static final class Claim {
    private Claim() {}

    @JsonPropertyDescription("Name of an entry in the pod's spec.resourceClaims.")
    private String name;

    @JsonPropertyDescription(
        "The request of that claim to use; absent: every request of the claim.")
    private String request;
  }
}
