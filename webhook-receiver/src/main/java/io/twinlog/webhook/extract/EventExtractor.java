package io.twinlog.webhook.extract;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.twinlog.webhook.auth.HeaderLookup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Finds the event id and the entity key of a webhook. The body must be one JSON value (trailing
 * content is refused); the event id must be visible ASCII, since the ERP sink sends it as an HTTP
 * header.
 */
public final class EventExtractor {
  /** Longest event id, in characters (it becomes the {@code Idempotency-Key} header). */
  public static final int MAX_EVENT_ID_LENGTH = 256;

  /** Longest entity key, in UTF-8 bytes (it becomes the Kafka record key). */
  public static final int MAX_ENTITY_KEY_BYTES = 1024;

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private final FieldLocator eventId;
  private final FieldLocator entityKey;

  public EventExtractor(FieldLocator eventId, FieldLocator entityKey) {
    this.eventId = eventId;
    this.entityKey = entityKey;
  }

  /**
   * @throws BadWebhookException when the body is not JSON or a field is missing or unusable
   */
  public WebhookEvent extract(byte[] body, HeaderLookup headers) throws BadWebhookException {
    JsonNode tree = parse(body);
    String id = find(eventId, tree, headers, "event id");
    if (id.length() > MAX_EVENT_ID_LENGTH || !id.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new BadWebhookException(
          "event id at "
              + eventId
              + " must be 1 to "
              + MAX_EVENT_ID_LENGTH
              + " visible ASCII characters");
    }
    String key = find(entityKey, tree, headers, "entity key");
    if (key.getBytes(StandardCharsets.UTF_8).length > MAX_ENTITY_KEY_BYTES) {
      throw new BadWebhookException(
          "entity key at " + entityKey + " is longer than " + MAX_ENTITY_KEY_BYTES + " bytes");
    }
    return new WebhookEvent(id, key, body);
  }

  private static JsonNode parse(byte[] body) throws BadWebhookException {
    if (body.length == 0) {
      throw new BadWebhookException("empty body; a JSON document is expected");
    }
    try (JsonParser parser = JSON.createParser(body)) {
      JsonNode tree = JSON.readTree(parser);
      if (tree == null || parser.nextToken() != null) {
        throw new BadWebhookException("body is not one JSON document");
      }
      return tree;
    } catch (IOException e) {
      throw new BadWebhookException("body is not JSON: " + oneLine(e.getMessage()));
    }
  }

  private static String find(FieldLocator locator, JsonNode tree, HeaderLookup headers, String what)
      throws BadWebhookException {
    String value =
        switch (locator) {
          case FieldLocator.Header header -> headers.first(header.name());
          case FieldLocator.Pointer pointer -> scalar(tree.at(pointer.pointer()));
        };
    if (value == null || value.isBlank()) {
      throw new BadWebhookException(what + " missing: nothing usable at " + locator);
    }
    return value.strip();
  }

  /** Text of a string, number or boolean node; null for anything else (object, array, null). */
  private static String scalar(JsonNode node) {
    return node.isValueNode() && !node.isNull() ? node.asText() : null;
  }

  private static String oneLine(String message) {
    String first = message == null ? "" : message.lines().findFirst().orElse("");
    return first.length() > 200 ? first.substring(0, 200) : first;
  }
}
