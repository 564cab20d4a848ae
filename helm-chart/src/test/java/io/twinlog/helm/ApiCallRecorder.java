package io.twinlog.helm;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * Records every API call a client makes as an RBAC grant ({@code group/resource:verb}, the way the
 * API server's authorizer sees it), so a test can compare what the code does with what a Role
 * allows.
 */
final class ApiCallRecorder implements Interceptor {
  private final Set<String> grants = new ConcurrentSkipListSet<>();
  private final Set<String> calls = new ConcurrentSkipListSet<>();

  @Override
  public void before(BasicBuilder builder, HttpRequest request, Interceptor.RequestTags tags) {
    calls.add(request.method() + " " + request.uri());
    String grant = grant(request.method(), request.uri());
    if (grant != null) {
      grants.add(grant);
    }
  }

  Set<String> grants() {
    return new TreeSet<>(grants);
  }

  Set<String> calls() {
    return new TreeSet<>(calls);
  }

  /**
   * The grant a request needs, or null for non-resource URLs (discovery, /version), which every
   * authenticated user may read through Kubernetes' system:discovery ClusterRole.
   */
  static String grant(String method, URI uri) {
    String[] parts = uri.getPath().replaceAll("^/+|/+$", "").split("/");
    int next;
    String group;
    if (parts.length >= 3 && parts[0].equals("api")) {
      group = "";
      next = 2;
    } else if (parts.length >= 4 && parts[0].equals("apis")) {
      group = parts[1];
      next = 3;
    } else {
      return null;
    }
    String[] rest = java.util.Arrays.copyOfRange(parts, next, parts.length);
    if (rest.length >= 3 && rest[0].equals("namespaces")) {
      rest = java.util.Arrays.copyOfRange(rest, 2, rest.length);
    }
    String resource = rest[0];
    boolean named = rest.length >= 2;
    if (rest.length >= 3) {
      resource = resource + "/" + rest[2];
    }
    return RbacRules.grant(group, resource, verb(method, named, query(uri)));
  }

  private static String verb(String method, boolean named, Map<String, String> query) {
    return switch (method) {
      case "GET" -> "true".equals(query.get("watch")) ? "watch" : named ? "get" : "list";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> named ? "delete" : "deletecollection";
      default -> throw new IllegalArgumentException("unexpected method " + method);
    };
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> query = new java.util.HashMap<>();
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        int eq = pair.indexOf('=');
        query.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
      }
    }
    return query;
  }
}
