package io.twinlog.e2e.stack;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.twinlog.operator.desired.DedupWorkload;
import io.twinlog.operator.desired.Labels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TEST CODE standing in for Kubernetes' Deployment controller and kubelet, for Twinlog's own pods
 * (the dedup runtime, the webhook receiver and the webhook dedup step, one {@link PodRecipe} each):
 * for each Deployment the operator made, it runs {@code spec.replicas} pods as child JVMs whose
 * environment is exactly the ConfigMap named in the container's {@code envFrom} and the container's
 * downward-API {@code env} ({@code metadata.name}: a pod name that stays the same when the process
 * is restarted, new when the template changes), plus the recipe's documented overrides that must
 * differ on one machine: a folder per pod for its emptyDirs and mounted Secrets (it survives a
 * crash of that pod like an emptyDir survives a container restart, and a replaced pod gets a new
 * one), and free ports (the ConfigMap's ports are per pod IP in a cluster; here all pods share
 * 127.0.0.1).
 *
 * <p>A pod whose process died is started again on the next pass (the kubelet's restart); a changed
 * config hash on the pod template replaces all pods; a deleted Deployment stops them. It writes
 * {@code status.replicas/readyReplicas/availableReplicas/updatedReplicas/observedGeneration} from
 * each pod's {@code /readyz}.
 */
public final class Pods implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Pods.class);
  private static final Duration PERIOD = Duration.ofMillis(500);

  private final KubernetesClient client;
  private final Path root;
  private final Clock clock;
  private final List<PodRecipe> recipes;
  private final Map<String, PodSet> sets = new ConcurrentHashMap<>();
  private final List<Restart> restarts = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService loop;

  /** A pod the stand-in started again after its process died. */
  public record Restart(String deployment, int index, Instant noticedDead, Instant started) {}

  private static final class PodSet {
    final String hash;
    final List<PodProcess> pods = new CopyOnWriteArrayList<>();
    final List<Path> stateDirs = new ArrayList<>();
    final List<String> podNames = new ArrayList<>();
    final Map<String, String> env;
    final Map<String, String> fieldRefs;

    PodSet(String hash, Map<String, String> env, Map<String, String> fieldRefs) {
      this.hash = hash;
      this.env = env;
      this.fieldRefs = fieldRefs;
    }
  }

  private Pods(KubernetesClient client, Path root, Clock clock, List<PodRecipe> recipes) {
    this.client = client;
    this.root = root;
    this.clock = clock;
    this.recipes = List.copyOf(recipes);
    this.loop =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pods-stand-in");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts the loop for the given kinds of pod; pods keep their state and logs under {@code root}.
   */
  public static Pods start(
      KubernetesClient client, Path root, Clock clock, List<PodRecipe> recipes) {
    Pods pods = new Pods(client, root, clock, recipes);
    pods.loop.scheduleWithFixedDelay(pods::pass, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    return pods;
  }

  /** The running pods of a Deployment ({@code namespace/name}), for fault injection. */
  public List<PodProcess> pods(String namespace, String deployment) {
    PodSet set = sets.get(namespace + "/" + deployment);
    return set == null ? List.of() : List.copyOf(set.pods);
  }

  /** The environment the pods of a Deployment run with (ConfigMap data + overrides, pod 0). */
  public Map<String, String> environment(String namespace, String deployment) {
    PodSet set = sets.get(namespace + "/" + deployment);
    return set == null ? Map.of() : Map.copyOf(set.env);
  }

  /**
   * Deletes pod {@code index} of a Deployment as {@code kubectl delete pod --force} or a lost node
   * does: its process dies with nothing committed, and the Deployment controller makes a new pod in
   * its place, with a new name and an empty disk (a new emptyDir).
   */
  public synchronized void deletePod(String namespace, String deployment, int index) {
    PodSet set = sets.get(namespace + "/" + deployment);
    if (set == null || index >= set.pods.size()) {
      throw new IllegalArgumentException("no pod " + index + " of " + namespace + "/" + deployment);
    }
    set.pods.get(index).kill();
    set.podNames.set(index, null);
    set.stateDirs.set(index, null);
  }

  /** Pods started again after they died, in order. */
  public List<Restart> restarts() {
    return List.copyOf(restarts);
  }

  private synchronized void pass() {
    try {
      List<Deployment> deployments =
          client
              .apps()
              .deployments()
              .inAnyNamespace()
              .withLabel(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
              .list()
              .getItems();
      Map<String, Deployment> wanted = new HashMap<>();
      for (Deployment d : deployments) {
        if (recipe(d) != null) {
          wanted.put(d.getMetadata().getNamespace() + "/" + d.getMetadata().getName(), d);
        }
      }
      for (String key : List.copyOf(sets.keySet())) {
        if (!wanted.containsKey(key)) {
          LOG.info("Deployment {} is gone: stopping its pods", key);
          stopAll(sets.remove(key));
        }
      }
      for (Map.Entry<String, Deployment> e : wanted.entrySet()) {
        reconcile(e.getKey(), e.getValue());
      }
    } catch (RuntimeException e) {
      LOG.warn("pods stand-in pass failed: {}", e.toString());
    }
  }

  private PodRecipe recipe(Deployment deployment) {
    String component = deployment.getMetadata().getLabels().get(Labels.COMPONENT);
    return recipes.stream().filter(r -> r.component().equals(component)).findFirst().orElse(null);
  }

  private void reconcile(String key, Deployment deployment) {
    String hash =
        deployment
            .getSpec()
            .getTemplate()
            .getMetadata()
            .getAnnotations()
            // one annotation for every Twinlog pod template
            .get(DedupWorkload.CONFIG_HASH_ANNOTATION);
    int replicas = Objects.requireNonNullElse(deployment.getSpec().getReplicas(), 1);
    PodSet set = sets.get(key);
    if (set == null || !Objects.equals(set.hash, hash)) {
      Map<String, String> data = configMapData(deployment);
      if (data == null) {
        return; // the ConfigMap is not there yet
      }
      if (set != null) {
        LOG.info("config of {} changed: replacing its pods", key);
        stopAll(set);
      }
      set = new PodSet(hash, data, fieldRefs(deployment));
      sets.put(key, set);
    }
    while (set.pods.size() > replicas) {
      set.pods.remove(set.pods.size() - 1).stop(Duration.ofSeconds(30));
    }
    for (int i = 0; i < replicas; i++) {
      if (i >= set.pods.size()) {
        set.pods.add(startPod(key, deployment, set, i));
      } else if (!set.pods.get(i).alive()) {
        Instant noticed = clock.instant();
        set.pods.set(i, startPod(key, deployment, set, i));
        restarts.add(new Restart(key, i, noticed, clock.instant()));
        LOG.info("pod {}#{} died: started it again", key, i);
      }
    }
    int ready = (int) set.pods.stream().filter(PodProcess::ready).count();
    writeStatus(deployment, replicas, ready);
  }

  private PodProcess startPod(String key, Deployment deployment, PodSet set, int index) {
    try {
      while (set.podNames.size() <= index) {
        set.podNames.add(null);
        set.stateDirs.add(null);
      }
      if (set.podNames.get(index) == null) {
        // <deployment>-<template hash>-<suffix>, as a ReplicaSet names its pods; the kubelet
        // restarts a crashed container in the same pod, so the name outlives the process
        String name =
            key.substring(key.indexOf('/') + 1)
                + "-"
                + (set.hash == null ? "0" : set.hash.substring(0, Math.min(10, set.hash.length())))
                + "-"
                + Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36), 36);
        set.podNames.set(index, name);
        // one emptyDir per pod: a replaced pod starts on an empty disk
        set.stateDirs.set(
            index,
            Files.createDirectories(root.resolve(key.substring(0, key.indexOf('/')) + "_" + name)));
      }
      Path stateDir = set.stateDirs.get(index);
      int port = PodRecipe.freePort();
      Map<String, String> container = new LinkedHashMap<>(set.env);
      set.fieldRefs.forEach(
          (name, path) -> {
            if (!path.equals("metadata.name")) {
              throw new IllegalStateException("the stand-in resolves only metadata.name: " + path);
            }
            container.put(name, set.podNames.get(index));
          });
      PodRecipe recipe = recipe(deployment);
      Map<String, String> env = recipe.environment(container, deployment, stateDir, port, client);
      PodProcess pod =
          PodProcess.start(
              recipe.mainClass().apply(deployment),
              env,
              port,
              stateDir.resolve(recipe.component() + ".log"));
      LOG.info("pod {}#{} started (pid {}, management :{})", key, index, pod.pid(), port);
      return pod;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The container's env from the downward API: variable name to field path. */
  private static Map<String, String> fieldRefs(Deployment deployment) {
    Map<String, String> refs = new LinkedHashMap<>();
    for (EnvVar v : deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
      if (v.getValueFrom() != null && v.getValueFrom().getFieldRef() != null) {
        refs.put(v.getName(), v.getValueFrom().getFieldRef().getFieldPath());
      } else if (v.getValue() != null) {
        throw new IllegalStateException("the stand-in does not pass plain env values: " + v);
      }
    }
    return refs;
  }

  private Map<String, String> configMapData(Deployment deployment) {
    for (EnvFromSource from :
        deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnvFrom()) {
      if (from.getConfigMapRef() != null) {
        ConfigMap map =
            client
                .configMaps()
                .inNamespace(deployment.getMetadata().getNamespace())
                .withName(from.getConfigMapRef().getName())
                .get();
        return map == null ? null : map.getData();
      }
    }
    throw new IllegalStateException(
        "Deployment " + deployment.getMetadata().getName() + " has no envFrom configMapRef");
  }

  private void writeStatus(Deployment deployment, int replicas, int ready) {
    long generation = Objects.requireNonNullElse(deployment.getMetadata().getGeneration(), 0L);
    DeploymentStatus status =
        new DeploymentStatusBuilder()
            .withObservedGeneration(generation)
            .withReplicas(replicas)
            .withUpdatedReplicas(replicas)
            .withReadyReplicas(ready)
            .withAvailableReplicas(ready)
            .withUnavailableReplicas(replicas - ready == 0 ? null : replicas - ready)
            .build();
    if (status.equals(deployment.getStatus())) {
      return;
    }
    deployment.setStatus(status);
    client.resource(deployment).updateStatus();
  }

  private static void stopAll(PodSet set) {
    if (set != null) {
      set.pods.forEach(p -> p.stop(Duration.ofSeconds(30)));
      set.pods.clear();
    }
  }

  /** Stops every pod (SIGTERM, as a cluster would on shutdown). */
  @Override
  public synchronized void close() {
    loop.shutdownNow();
    try {
      loop.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sets.values().forEach(Pods::stopAll);
    sets.clear();
  }
}
