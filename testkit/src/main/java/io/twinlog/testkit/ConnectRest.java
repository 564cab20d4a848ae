package io.twinlog.testkit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A small blocking client for the Kafka Connect REST API (the calls Twinlog's tests need). */
public final class ConnectRest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final HttpClient http;

  /** A client for the worker at {@code base} (e.g. {@code http://127.0.0.1:8083/}). */
  public ConnectRest(URI base) {
    this.base = base;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** Creates a connector that starts running. */
  public void createConnector(String name, Map<String, String> config) {
    create(name, config, null);
  }

  /** Creates a connector in the STOPPED state (KIP-980), e.g. to set offsets before it runs. */
  public void createConnectorStopped(String name, Map<String, String> config) {
    create(name, config, "STOPPED");
  }

  private void create(String name, Map<String, String> config, String initialState) {
    ObjectNode body = JSON.createObjectNode();
    body.put("name", name);
    body.set("config", JSON.valueToTree(config));
    if (initialState != null) {
      body.put("initial_state", initialState);
    }
    send("POST", "/connectors", body);
  }

  /** Creates or replaces a connector's config (PUT /connectors/NAME/config). */
  public void putConfig(String name, Map<String, String> config) {
    send("PUT", path(name, "/config"), JSON.valueToTree(config));
  }

  /** The connector's stored config, with config-provider references unresolved. */
  public Map<String, String> config(String name) {
    return JSON.convertValue(send("GET", path(name, "/config"), null), new TypeReference<>() {});
  }

  /** Names of all connectors. */
  public List<String> list() {
    return JSON.convertValue(send("GET", "/connectors", null), new TypeReference<>() {});
  }

  /** Whether a connector of that name exists. */
  public boolean exists(String name) {
    return list().contains(name);
  }

  /** Connector and task states. */
  public ConnectorStatus status(String name) {
    JsonNode node = send("GET", path(name, "/status"), null);
    JsonNode connector = node.path("connector");
    List<TaskStatus> tasks = new ArrayList<>();
    for (JsonNode task : node.path("tasks")) {
      tasks.add(
          new TaskStatus(
              task.path("id").asInt(),
              task.path("state").asText(),
              task.path("worker_id").asText(),
              task.path("trace").asText(null)));
    }
    return new ConnectorStatus(
        node.path("name").asText(),
        node.path("type").asText(null),
        connector.path("state").asText(),
        connector.path("worker_id").asText(),
        connector.path("trace").asText(null),
        List.copyOf(tasks));
  }

  /** Restarts the connector (POST /connectors/NAME/restart?includeTasks=..&onlyFailed=..). */
  public void restart(String name, boolean includeTasks, boolean onlyFailed) {
    send(
        "POST",
        path(name, "/restart?includeTasks=" + includeTasks + "&onlyFailed=" + onlyFailed),
        null);
  }

  /** Restarts one task. */
  public void restartTask(String name, int task) {
    send("POST", path(name, "/tasks/" + task + "/restart"), null);
  }

  /** Pauses the connector and its tasks. */
  public void pause(String name) {
    send("PUT", path(name, "/pause"), null);
  }

  /** Resumes a paused or stopped connector. */
  public void resume(String name) {
    send("PUT", path(name, "/resume"), null);
  }

  /** Stops the connector (tasks shut down, config kept); needed before altering offsets. */
  public void stop(String name) {
    send("PUT", path(name, "/stop"), null);
  }

  /** Deletes the connector. */
  public void delete(String name) {
    send("DELETE", path(name, ""), null);
  }

  /** The connector's committed offsets. */
  public List<ConnectorOffset> offsets(String name) {
    JsonNode node = send("GET", path(name, "/offsets"), null);
    List<ConnectorOffset> offsets = new ArrayList<>();
    for (JsonNode entry : node.path("offsets")) {
      offsets.add(
          new ConnectorOffset(
              JSON.convertValue(entry.path("partition"), new TypeReference<>() {}),
              entry.path("offset").isNull()
                  ? null
                  : JSON.convertValue(entry.path("offset"), new TypeReference<>() {})));
    }
    return List.copyOf(offsets);
  }

  /**
   * Alters offsets of a STOPPED connector (PATCH /connectors/NAME/offsets); returns the message.
   */
  public String alterOffsets(String name, List<ConnectorOffset> offsets) {
    ObjectNode body = JSON.createObjectNode();
    body.set("offsets", JSON.valueToTree(offsets));
    return send("PATCH", path(name, "/offsets"), body).path("message").asText();
  }

  /** Resets all offsets of a STOPPED connector (DELETE /connectors/NAME/offsets). */
  public String resetOffsets(String name) {
    return send("DELETE", path(name, "/offsets"), null).path("message").asText();
  }

  /** Class names of the installed connector plugins. */
  public List<String> connectorPlugins() {
    List<String> classes = new ArrayList<>();
    for (JsonNode plugin : send("GET", "/connector-plugins", null)) {
      classes.add(plugin.path("class").asText());
    }
    return classes;
  }

  private static String path(String connector, String suffix) {
    return "/connectors/" + URLEncoder.encode(connector, StandardCharsets.UTF_8) + suffix;
  }

  private JsonNode send(String method, String path, JsonNode body) {
    HttpRequest.BodyPublisher publisher;
    try {
      publisher =
          body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .method(method, publisher)
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (response.statusCode() >= 300) {
      throw new ConnectRestException(method, path, response.statusCode(), response.body());
    }
    try {
      String text = response.body();
      return text == null || text.isBlank() ? JSON.nullNode() : JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One connector's state and its tasks' states as Connect reports them. */
  public record ConnectorStatus(
      String name,
      String type,
      String state,
      String workerId,
      String trace,
      List<TaskStatus> tasks) {

    /** The connector and at least one task run, and no task is in another state. */
    public boolean isRunning() {
      return "RUNNING".equals(state)
          && !tasks.isEmpty()
          && tasks.stream().allMatch(t -> "RUNNING".equals(t.state()));
    }

    /** The connector or any task is FAILED. */
    public boolean anyFailed() {
      return "FAILED".equals(state) || tasks.stream().anyMatch(t -> "FAILED".equals(t.state()));
    }
  }

  /** One task's state; {@code trace} is set when it FAILED. */
  public record TaskStatus(int id, String state, String workerId, String trace) {}

  /** A source partition and its offset ({@code null} offset deletes it on alter). */
  public record ConnectorOffset(Map<String, Object> partition, Map<String, Object> offset) {}

  /** A REST call answered with an HTTP error status. */
  public static final class ConnectRestException extends RuntimeException {
    private final int statusCode;

    ConnectRestException(String method, String path, int statusCode, String body) {
      super(method + " " + path + " -> HTTP " + statusCode + ": " + body);
      this.statusCode = statusCode;
    }

    /** The HTTP status code, e.g. 404 for an unknown connector, 409 during a rebalance. */
    public int statusCode() {
      return statusCode;
    }
  }
}
