package io.twinlog.operator.it;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * fabric8's mock API server in CRUD mode with the CRDs the operator needs registered, status
 * subresource included: Strimzi's KafkaTopic, KafkaUser and KafkaConnector, and the CdcPipeline and
 * ErpWebhook CRDs the build just generated. It has no server-side apply, no schema validation and
 * no garbage collection.
 */
public final class MockCluster implements AutoCloseable {
  private static final List<String> CRDS =
      List.of(
          "/strimzi-crds/043-Crd-kafkatopic.yaml",
          "/strimzi-crds/044-Crd-kafkauser.yaml",
          "/strimzi-crds/047-Crd-kafkaconnector.yaml",
          "/META-INF/fabric8/cdcpipelines.cdc.twinlog.io-v1.yml",
          "/META-INF/fabric8/erpwebhooks.cdc.twinlog.io-v1.yml");

  private static final Logger QUIET = Logger.getLogger("io.fabric8.mockwebserver");
  private final KubernetesMockServer server;
  private final NamespacedKubernetesClient client;

  private MockCluster(KubernetesMockServer server, NamespacedKubernetesClient client) {
    this.server = server;
    this.client = client;
  }

  /** Starts the server and registers the CRDs. */
  public static MockCluster start() {
    // The mock logs every request at INFO through java.util.logging: thousands of lines per test.
    QUIET.setLevel(Level.WARNING);
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(Serialization.jsonMapper()),
            new MockWebServer(),
            responses,
            new KubernetesMixedDispatcher(responses),
            false);
    server.init();
    NamespacedKubernetesClient client = server.createClient();
    MockCluster cluster = new MockCluster(server, client);
    CRDS.forEach(cluster::registerCrd);
    return cluster;
  }

  private void registerCrd(String resource) {
    try (InputStream in = MockCluster.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("CRD not on the test classpath: " + resource);
      }
      CustomResourceDefinition crd =
          client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Answers JOSDK's lease access check (a SelfSubjectRulesReview) with the chart's Lease grants, as
   * a real API server would for the operator's service account.
   */
  public void grantLeases(String namespace) {
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(
            201,
            new io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder()
                .withNewSpec()
                .withNamespace(namespace)
                .endSpec()
                .withNewStatus()
                .withIncomplete(false)
                .addNewResourceRule()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withResourceNames(List.of())
                .withVerbs("get", "create", "update", "patch")
                .endResourceRule()
                .withNonResourceRules(List.of())
                .endStatus()
                .build())
        .always();
  }

  /**
   * The next PUT to {@code path} is refused with 409 Conflict, as when someone else (the
   * controller-manager, Strimzi) wrote the object since the caller read it.
   */
  public void conflictOnce(String path) {
    server
        .expect()
        .put()
        .withPath(path)
        .andReturn(
            409,
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                + "\"reason\":\"Conflict\",\"code\":409,\"message\":\"Operation cannot be"
                + " fulfilled: the object has been modified\"}")
        .once();
  }

  /** A client of the mock server. */
  public KubernetesClient client() {
    return client;
  }

  /** Takes (and forgets) every request the server recorded so far. */
  public List<RecordedRequest> takeRequests() {
    List<RecordedRequest> requests = new ArrayList<>();
    try {
      RecordedRequest request;
      while ((request = server.takeRequest(0, TimeUnit.MILLISECONDS)) != null) {
        requests.add(request);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return requests;
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
