package io.twinlog.helm;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

/**
 * fabric8's mock API server (CRUD, plus expectations) with the CRDs the operator works on, an admin
 * client for the test, and a client for the operator whose every call is recorded.
 */
final class OperatorApiServer implements AutoCloseable {
  private static final List<Path> CRDS =
      List.of(
          Path.of("..", "crds", "cdcpipelines.cdc.twinlog.io-v1.yml"),
          Path.of("..", "crds", "erpwebhooks.cdc.twinlog.io-v1.yml"),
          Path.of(
              "..",
              "operator",
              "src",
              "test",
              "resources",
              "strimzi-crds",
              "043-Crd-kafkatopic.yaml"),
          Path.of(
              "..",
              "operator",
              "src",
              "test",
              "resources",
              "strimzi-crds",
              "044-Crd-kafkauser.yaml"),
          Path.of(
              "..",
              "operator",
              "src",
              "test",
              "resources",
              "strimzi-crds",
              "047-Crd-kafkaconnector.yaml"));

  final KubernetesMockServer server;
  final KubernetesClient admin;
  final KubernetesClient operatorClient;
  final ApiCallRecorder recorder = new ApiCallRecorder();

  OperatorApiServer() {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server =
        new KubernetesMockServer(
            new Context(Serialization.jsonMapper()),
            new MockWebServer(),
            responses,
            new KubernetesMixedDispatcher(responses),
            false);
    server.init();
    admin = server.createClient();
    for (Path crd : CRDS) {
      try {
        admin
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .resource(
                admin
                    .getKubernetesSerialization()
                    .unmarshal(Files.readString(crd), CustomResourceDefinition.class))
            .create();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    operatorClient =
        new KubernetesClientBuilder()
            .withConfig(admin.getConfiguration())
            .withHttpClientBuilderConsumer(
                b -> b.addOrReplaceInterceptor("rbac-recorder", recorder))
            .build();
  }

  @Override
  public void close() {
    operatorClient.close();
    admin.close();
    server.destroy();
  }
}
