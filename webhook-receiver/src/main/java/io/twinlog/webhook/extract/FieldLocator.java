package io.twinlog.webhook.extract;

import static io.twinlog.contracts.WebhookReceiverEnv.HEADER_LOCATION_PREFIX;

import com.fasterxml.jackson.core.JsonPointer;

/**
 * Where a field of a webhook is: a JSON pointer into the body ({@code /data/id}) or a request
 * header ({@code header:X-Event-Id}).
 */
public sealed interface FieldLocator {

  /** A JSON pointer (RFC 6901) into the body. */
  record Pointer(JsonPointer pointer) implements FieldLocator {
    @Override
    public String toString() {
      return pointer.toString();
    }
  }

  /** A request header. */
  record Header(String name) implements FieldLocator {
    @Override
    public String toString() {
      return HEADER_LOCATION_PREFIX + name;
    }
  }

  /**
   * Parses {@code /json/pointer} or {@code header:Name}.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static FieldLocator parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("is empty; use a JSON pointer (/id) or header:Name");
    }
    String value = text.strip();
    if (value.regionMatches(true, 0, HEADER_LOCATION_PREFIX, 0, HEADER_LOCATION_PREFIX.length())) {
      String name = value.substring(HEADER_LOCATION_PREFIX.length()).strip();
      if (name.isEmpty() || !name.chars().allMatch(FieldLocator::isTokenChar)) {
        throw new IllegalArgumentException("'" + value + "' does not name a valid header");
      }
      return new Header(name);
    }
    if (!value.startsWith("/")) {
      throw new IllegalArgumentException(
          "'" + value + "' is neither a JSON pointer (starts with /) nor header:Name");
    }
    try {
      return new Pointer(JsonPointer.compile(value));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "'" + value + "' is not a JSON pointer: " + e.getMessage());
    }
  }

  private static boolean isTokenChar(int c) {
    // RFC 9110 token characters.
    return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
  }
}
