package io.twinlog.webhook.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventExtractorTest {
  final EventExtractor byPointer =
      new EventExtractor(
          FieldLocator.parse("/meta/eventId"), FieldLocator.parse("/data/customer/no"));

  @Test
  void findsIdAndKeyByPointerNumbersIncluded() throws Exception {
    WebhookEvent event =
        byPointer.extract(
            bytes("{\"meta\":{\"eventId\":\"e-1\"},\"data\":{\"customer\":{\"no\":4711}}}"),
            name -> null);
    assertThat(event.eventId()).isEqualTo("e-1");
    assertThat(event.entityKey()).isEqualTo("4711");
  }

  @Test
  void findsThemInHeaders() throws Exception {
    EventExtractor byHeader =
        new EventExtractor(
            FieldLocator.parse("header:X-Event-Id"), FieldLocator.parse("header:X-Entity"));
    Map<String, String> headers = Map.of("X-Event-Id", "h-1", "X-Entity", "inv 7");
    WebhookEvent event = byHeader.extract(bytes("[1,2]"), headers::get);
    assertThat(event.eventId()).isEqualTo("h-1");
    assertThat(event.entityKey()).isEqualTo("inv 7");
  }

  @Test
  void refusesWhatItCannotUse() {
    assertBad("", "empty body");
    assertBad("not json", "not JSON");
    assertBad("{\"meta\":{\"eventId\":\"e\"}} trailing", "not JSON");
    assertBad("{\"meta\":{\"eventId\":\"e\"}} {}", "one JSON document");
    assertBad("{\"meta\":{\"eventId\":\"e\",\"eventId\":\"f\"}}", "not JSON");
    assertBad(
        "{\"data\":{\"customer\":{\"no\":1}}}",
        "event id missing: nothing usable at /meta/eventId");
    assertBad(
        "{\"meta\":{\"eventId\":null},\"data\":{\"customer\":{\"no\":1}}}", "event id missing");
    assertBad(
        "{\"meta\":{\"eventId\":\"  \"},\"data\":{\"customer\":{\"no\":1}}}", "event id missing");
    assertBad(
        "{\"meta\":{\"eventId\":\"e\"},\"data\":{\"customer\":{\"no\":[1]}}}",
        "entity key missing");
    assertBad(
        "{\"meta\":{\"eventId\":\"" + "x".repeat(257) + "\"},\"data\":{\"customer\":{\"no\":1}}}",
        "visible ASCII");
    assertBad(
        "{\"meta\":{\"eventId\":\"\u00e9\"},\"data\":{\"customer\":{\"no\":1}}}", "visible ASCII");
    assertBad(
        "{\"meta\":{\"eventId\":\"e\"},\"data\":{\"customer\":{\"no\":\""
            + "k".repeat(1025)
            + "\"}}}",
        "longer than 1024 bytes");
  }

  @Test
  void locatorSyntax() {
    assertThat(FieldLocator.parse("header:X-Id")).isEqualTo(new FieldLocator.Header("X-Id"));
    assertThat(FieldLocator.parse("/a/b").toString()).isEqualTo("/a/b");
    assertThatThrownBy(() -> FieldLocator.parse("id"))
        .hasMessageContaining("neither a JSON pointer");
    assertThatThrownBy(() -> FieldLocator.parse("header:")).hasMessageContaining("valid header");
    assertThatThrownBy(() -> FieldLocator.parse("header:a b")).hasMessageContaining("valid header");
    assertThatThrownBy(() -> FieldLocator.parse(" ")).hasMessageContaining("empty");
  }

  void assertBad(String body, String message) {
    assertThatThrownBy(() -> byPointer.extract(bytes(body), name -> null))
        .isInstanceOf(BadWebhookException.class)
        .hasMessageContaining(message);
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
