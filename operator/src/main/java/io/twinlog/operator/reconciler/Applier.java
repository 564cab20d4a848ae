package io.twinlog.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Makes the owned resources of one kind what the desired state says: creates what is missing,
 * updates what drifted on owned fields, deletes what is owned but no longer desired. Reads actual
 * state from the informer cache, and tells the cache about its own writes so the next
 * reconciliation does not act on a stale copy.
 */
final class Applier {

  /** What one apply did, for logging and tests. */
  record Result(int created, int updated, int deleted) {
    Result plus(Result other) {
      return new Result(created + other.created, updated + other.updated, deleted + other.deleted);
    }

    static Result none() {
      return new Result(0, 0, 0);
    }
  }

  private final KubernetesClient client;
  private final OwnedFields ownedFields;

  Applier(KubernetesClient client) {
    this.client = client;
    this.ownedFields = new OwnedFields(client.getKubernetesSerialization());
  }

  /**
   * Applies the desired resources of one kind.
   *
   * @param actual the owned resources of this kind the cache holds for the owner (a CdcPipeline or
   *     an ErpWebhook)
   */
  <R extends HasMetadata> Result apply(
      List<R> desired, Set<R> actual, InformerEventSource<R, ?> cache) {
    Map<String, R> actualByName =
        actual.stream()
            .collect(Collectors.toMap(r -> r.getMetadata().getName(), Function.identity()));
    int created = 0;
    int updated = 0;
    List<String> desiredNames = new ArrayList<>();
    for (R wanted : desired) {
      desiredNames.add(wanted.getMetadata().getName());
      R current = actualByName.get(wanted.getMetadata().getName());
      if (current == null) {
        current = create(wanted, cache);
        if (current == null) {
          created++;
          continue;
        }
      }
      if (!ownedFields.matches(wanted, current)) {
        if (update(wanted, current, cache)) {
          updated++;
        }
      }
    }
    int deleted = 0;
    for (R owned : actual) {
      if (!desiredNames.contains(owned.getMetadata().getName())) {
        client.resource(owned).delete();
        deleted++;
      }
    }
    return new Result(created, updated, deleted);
  }

  /** How often an update that met a newer version (409) is tried again on a fresh read. */
  static final int CONFLICT_RETRIES = 3;

  /**
   * Updates {@code current} to {@code wanted}'s owned fields. A 409 means someone wrote the object
   * since it was read (the controller-manager writing a Deployment's status, Strimzi a
   * connector's): not a failure, so it reads the object again and retries; only a conflict that
   * persists is thrown. Returns false when the fresh copy already matches.
   */
  private <R extends HasMetadata> boolean update(
      R wanted, R current, InformerEventSource<R, ?> cache) {
    for (int attempt = 0; ; attempt++) {
      try {
        R result = client.resource(ownedFields.updateOf(wanted, current)).update();
        cache.handleRecentResourceUpdate(ResourceID.fromResource(result), result, current);
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt >= CONFLICT_RETRIES) {
          throw e;
        }
        R fresh = client.resource(wanted).get();
        if (fresh == null) {
          throw e;
        }
        if (ownedFields.matches(wanted, fresh)) {
          return false;
        }
        current = fresh;
      }
    }
  }

  /** Creates it; returns null when created, or the server's copy when it already existed. */
  private <R extends HasMetadata> R create(R wanted, InformerEventSource<R, ?> cache) {
    try {
      R result = client.resource(wanted).create();
      cache.handleRecentResourceCreate(ResourceID.fromResource(result), result);
      return null;
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      // Created by an earlier reconciliation the cache has not seen yet: compare with it.
      R existing = client.resource(wanted).get();
      if (existing == null) {
        throw e;
      }
      return existing;
    }
  }
}
