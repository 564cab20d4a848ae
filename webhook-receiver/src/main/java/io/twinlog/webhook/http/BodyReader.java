package io.twinlog.webhook.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads a request body up to a limit, refusing larger ones before reading them when it can. */
final class BodyReader {
  private BodyReader() {}

  /** The body was larger than the limit. */
  static final class TooLargeException extends Exception {
    TooLargeException() {
      super(null, null, false, false);
    }
  }

  static byte[] read(HttpExchange exchange, int maxBytes) throws IOException, TooLargeException {
    String declared = exchange.getRequestHeaders().getFirst("Content-Length");
    if (declared != null) {
      try {
        if (Long.parseLong(declared.strip()) > maxBytes) {
          // Refused unread: the server closes the connection rather than drain a large body.
          throw new TooLargeException();
        }
      } catch (NumberFormatException e) {
        // The server itself refuses a bad Content-Length; nothing to add here.
      }
    }
    // Chunked bodies have no declared length: read one byte past the limit to tell.
    try (InputStream in = exchange.getRequestBody()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, 8192));
      byte[] buffer = new byte[8192];
      int total = 0;
      int n;
      while ((n = in.read(buffer, 0, Math.min(buffer.length, maxBytes + 1 - total))) > 0) {
        total += n;
        if (total > maxBytes) {
          throw new TooLargeException();
        }
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    }
  }
}
