package io.twinlog.operator.reconciler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares a desired resource with the actual one on the fields Twinlog owns, and builds the
 * update: a pure function of the two.
 *
 * <p>"Owned" means every field the desired resource sets, compared as a subset: fields only the
 * actual has (API-server defaults such as a Deployment's {@code progressDeadlineSeconds}, labels
 * and annotations others add, Strimzi's restart annotations) are not drift. Without this, an
 * operator compared against a real API server updates forever; against the mock server (which
 * defaults nothing) both behave alike, so the test proves the production rule.
 */
public final class OwnedFields {
  private static final Set<String> NOT_OWNED_TOP_LEVEL = Set.of("metadata", "status");
  private final KubernetesSerialization serialization;

  public OwnedFields(KubernetesSerialization serialization) {
    this.serialization = serialization;
  }

  /** Whether the actual resource already has every owned field as desired. */
  public boolean matches(HasMetadata desired, HasMetadata actual) {
    var dm = desired.getMetadata();
    var am = actual.getMetadata();
    if (!subsetOf(dm.getLabels(), am.getLabels())
        || !subsetOf(dm.getAnnotations(), am.getAnnotations())
        || !ownersPresent(dm.getOwnerReferences(), am.getOwnerReferences())) {
      return false;
    }
    JsonNode d = serialization.convertValue(desired, JsonNode.class);
    JsonNode a = serialization.convertValue(actual, JsonNode.class);
    Iterator<Map.Entry<String, JsonNode>> fields = d.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (!NOT_OWNED_TOP_LEVEL.contains(field.getKey())
          && !subset(field.getValue(), a.get(field.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The resource to PUT: the desired one, carrying the actual's resourceVersion (optimistic lock)
   * and the labels and annotations others put on it (ours win on conflict).
   */
  @SuppressWarnings("unchecked")
  public <R extends HasMetadata> R updateOf(R desired, R actual) {
    ObjectNode node = serialization.convertValue(desired, ObjectNode.class);
    R update = (R) serialization.convertValue(node, desired.getClass());
    var meta = update.getMetadata();
    meta.setResourceVersion(actual.getMetadata().getResourceVersion());
    meta.setLabels(union(actual.getMetadata().getLabels(), desired.getMetadata().getLabels()));
    meta.setAnnotations(
        union(actual.getMetadata().getAnnotations(), desired.getMetadata().getAnnotations()));
    return update;
  }

  private static Map<String, String> union(Map<String, String> theirs, Map<String, String> ours) {
    Map<String, String> all = new HashMap<>();
    if (theirs != null) {
      all.putAll(theirs);
    }
    if (ours != null) {
      all.putAll(ours);
    }
    return all;
  }

  private static boolean subsetOf(Map<String, String> desired, Map<String, String> actual) {
    if (desired == null || desired.isEmpty()) {
      return true;
    }
    return actual != null && actual.entrySet().containsAll(desired.entrySet());
  }

  private static boolean ownersPresent(List<OwnerReference> desired, List<OwnerReference> actual) {
    if (desired == null || desired.isEmpty()) {
      return true;
    }
    return actual != null
        && desired.stream()
            .allMatch(
                d ->
                    actual.stream()
                        .anyMatch(
                            a ->
                                d.getUid().equals(a.getUid())
                                    && d.getKind().equals(a.getKind())
                                    && java.util.Objects.equals(
                                        d.getController(), a.getController())));
  }

  /** Whether every field of {@code desired} has the same value in {@code actual}. */
  static boolean subset(JsonNode desired, JsonNode actual) {
    return subset(desired, actual, false);
  }

  /**
   * Container resources ({@code requests}, {@code limits}) are quantities: the API server keeps
   * them in canonical form ({@code 1024Mi} becomes {@code 1Gi}, {@code 1000m} becomes {@code 1}),
   * so they compare by amount, or every reconciliation would update the Deployment again.
   */
  private static final Set<String> QUANTITY_MAPS = Set.of("requests", "limits");

  private static boolean subset(JsonNode desired, JsonNode actual, boolean quantities) {
    if (desired == null || desired.isNull()) {
      return true;
    }
    if (actual == null || actual.isNull() || actual.isMissingNode()) {
      // An empty desired object or list equals an absent one (servers drop empty collections).
      return desired.isContainerNode() && desired.isEmpty();
    }
    if (desired.isObject()) {
      if (!actual.isObject()) {
        return false;
      }
      Iterator<Map.Entry<String, JsonNode>> fields = desired.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (!subset(
            field.getValue(),
            actual.get(field.getKey()),
            quantities || QUANTITY_MAPS.contains(field.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (desired.isArray()) {
      if (!actual.isArray() || actual.size() != desired.size()) {
        return false;
      }
      for (int i = 0; i < desired.size(); i++) {
        if (!subset(desired.get(i), actual.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (desired.isNumber() && actual.isNumber()) {
      return desired.decimalValue().compareTo(actual.decimalValue()) == 0;
    }
    if (quantities && desired.isTextual() && actual.isTextual()) {
      try {
        return Quantity.getAmountInBytes(new Quantity(desired.asText()))
                .compareTo(Quantity.getAmountInBytes(new Quantity(actual.asText())))
            == 0;
      } catch (IllegalArgumentException notAQuantity) {
        // compared as text below
      }
    }
    return desired.asText().equals(actual.asText())
        && desired.getNodeType() == actual.getNodeType();
  }
}
