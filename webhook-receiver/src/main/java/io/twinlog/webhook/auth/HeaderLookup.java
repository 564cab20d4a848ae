package io.twinlog.webhook.auth;

/** Reads a request header by name, case-insensitively; null when the request has none. */
@FunctionalInterface
public interface HeaderLookup {
  String first(String name);
}
