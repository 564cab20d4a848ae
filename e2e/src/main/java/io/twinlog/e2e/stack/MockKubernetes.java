package io.twinlog.e2e.stack;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;

/**
 * The Kubernetes API in tests and the playground: fabric8's mock API server in CRUD mode (plain
 * HTTP on 127.0.0.1), with the CdcPipeline and ErpWebhook CRDs and Strimzi's KafkaConnector and
 * KafkaTopic CRDs registered, so their {@code status} is a subresource as on a real API server.
 */
public final class MockKubernetes implements AutoCloseable {

  /** Classpath resources of the CRDs registered at start. */
  static final List<String> CRDS =
      List.of(
          "crds/cdcpipelines.cdc.twinlog.io-v1.yml",
          "crds/erpwebhooks.cdc.twinlog.io-v1.yml",
          "strimzi-crds/043-Crd-kafkatopic.yaml",
          "strimzi-crds/044-Crd-kafkauser.yaml",
          "strimzi-crds/047-Crd-kafkaconnector.yaml");

  // Held so the level sticks: the mock logs every request at INFO through java.util.logging.
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  private MockKubernetes(KubernetesMockServer server, KubernetesClient client) {
    this.server = server;
    this.client = client;
  }

  /** Starts the server on a free port and registers the CRDs. */
  public static MockKubernetes start() {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(Serialization.jsonMapper()),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    KubernetesClient client = server.createClient();
    for (String crd : CRDS) {
      try (InputStream in = MockKubernetes.class.getClassLoader().getResourceAsStream(crd)) {
        if (in == null) {
          throw new IllegalStateException("CRD resource missing from the classpath: " + crd);
        }
        CustomResourceDefinition definition =
            client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
        client.apiextensions().v1().customResourceDefinitions().resource(definition).create();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new MockKubernetes(server, client);
  }

  /** A client of the server (shared; closed by {@link #close()}). */
  public KubernetesClient client() {
    return client;
  }

  /** The server's base URL, e.g. {@code http://127.0.0.1:41234/}. */
  public String url() {
    return client.getConfiguration().getMasterUrl();
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
