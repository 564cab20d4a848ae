package io.twinlog.operator.validation;

import io.twinlog.contracts.ErpSinkConfigKeys;
import io.twinlog.operator.api.v1alpha1.ApiPatterns;
import io.twinlog.operator.api.v1alpha1.AuthType;
import io.twinlog.operator.api.v1alpha1.BatchSpec;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.ErpAuthSpec;
import io.twinlog.operator.api.v1alpha1.ErpSinkSpec;
import io.twinlog.operator.api.v1alpha1.ErpTlsSpec;
import io.twinlog.operator.api.v1alpha1.RetrySpec;
import io.twinlog.operator.desired.ResourceNames;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Checks of {@code spec.sink}. */
final class SinkRules {
  private SinkRules() {}

  /** Headers the sink sets itself; credentials belong in {@code auth}, not in headers. */
  private static final Set<String> RESERVED_HEADERS =
      Set.of(
          "authorization",
          "proxy-authorization",
          "content-length",
          "host",
          ErpSinkConfigKeys.IDEMPOTENCY_HEADER.toLowerCase(Locale.ROOT));

  static void check(CdcPipeline pipeline, Problems problems) {
    ErpSinkSpec erp = pipeline.getSpec().getSink().getErp();
    String at = "spec.sink.erp";
    if (!problems.required(at, erp)) {
      return;
    }
    url(erp.getUrl(), problems);
    auth(erp.getAuth(), problems);
    tls(erp.getTls(), problems);
    headers(erp.getHeaders(), problems);
    problems.duration(at + ".timeout", erp.getTimeout(), Duration.ofMillis(1));
    retry(erp.getRetry(), problems);
    BatchSpec batch = erp.getBatch();
    problems.range(at + ".batch.maxRecords", batch.getMaxRecords(), 1, BatchSpec.MAX_RECORDS);
    problems.range(
        at + ".batch.maxBytes", batch.getMaxBytes(), BatchSpec.MIN_BYTES, BatchSpec.MAX_BYTES);
    if (problems.optionalString(
            at + ".deadLetterTopic",
            erp.getDeadLetterTopic(),
            ApiPatterns.KAFKA_TOPIC,
            ResourceNames.MAX_TOPIC_NAME,
            "a Kafka topic name (letters, digits, '.', '_' and '-')")
        && erp.getDeadLetterTopic() != null
        && pipeline.getMetadata() != null
        && pipeline.getMetadata().getNamespace() != null
        && pipeline.getSpec().getSource() != null
        && (ResourceNames.outputTopics(pipeline).contains(erp.getDeadLetterTopic())
            || erp.getDeadLetterTopic().equals(ResourceNames.dedupDeadLetterTopic(pipeline)))) {
      problems.add(
          at + ".deadLetterTopic",
          "must differ from the output topics and the dedup dead-letter topic");
    }
  }

  private static void url(String url, Problems problems) {
    String field = "spec.sink.erp.url";
    if (!problems.required(field, url)) {
      return;
    }
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        problems.add(field, "must be an http or https URL, got '" + url + "'");
      } else if (uri.getHost() == null || uri.getHost().isBlank()) {
        problems.add(field, "must name a host, got '" + url + "'");
      } else if (uri.getUserInfo() != null) {
        problems.add(field, "must not carry credentials; use spec.sink.erp.auth");
      }
    } catch (URISyntaxException e) {
      problems.add(field, "is not a valid URL: " + e.getReason());
    }
  }

  private static void auth(ErpAuthSpec auth, Problems problems) {
    String at = "spec.sink.erp.auth";
    if (auth.getType() == AuthType.OAUTH2 && problems.required(at + ".oauth2", auth.getOauth2())) {
      problems.required(at + ".oauth2.tokenUrl", auth.getOauth2().getTokenUrl());
    }
    if (auth.getType() != AuthType.NONE) {
      if (problems.required(at + ".secretName", auth.getSecretName())) {
        problems.string(
            at + ".secretName",
            auth.getSecretName(),
            ApiPatterns.DNS_SUBDOMAIN,
            253,
            "a Secret name");
      }
    } else {
      problems.optionalString(
          at + ".secretName",
          auth.getSecretName(),
          ApiPatterns.DNS_SUBDOMAIN,
          253,
          "a Secret name");
    }
    problems.string(at + ".tokenKey", auth.getTokenKey(), ApiPatterns.SECRET_KEY, 253, "a key");
    problems.string(
        at + ".usernameKey", auth.getUsernameKey(), ApiPatterns.SECRET_KEY, 253, "a key");
    problems.string(
        at + ".passwordKey", auth.getPasswordKey(), ApiPatterns.SECRET_KEY, 253, "a key");
  }

  private static void headers(Map<String, String> headers, Problems problems) {
    String at = "spec.sink.erp.headers";
    if (headers.size() > ErpSinkSpec.MAX_HEADERS) {
      problems.add(at, "must have at most " + ErpSinkSpec.MAX_HEADERS + " entries");
    }
    headers.forEach(
        (name, value) -> {
          String field = at + "." + name;
          if (!name.matches(ApiPatterns.HEADER_NAME)) {
            problems.add(field, "is not a valid HTTP header name");
          } else if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
            problems.add(field, "is set by the sink itself; put credentials in spec.sink.erp.auth");
          }
          // The connector's erp.headers is a comma-separated list of Name:value pairs.
          if (value == null || value.contains(",") || value.contains("\n")) {
            problems.add(field, "value must be present and contain no ',' or line break");
          } else if (value.length() > 4096) {
            problems.add(field, "value must be at most 4096 characters");
          }
        });
  }

  private static void retry(RetrySpec retry, Problems problems) {
    String at = "spec.sink.erp.retry";
    problems.range(at + ".maxAttempts", retry.getMaxAttempts(), 1, RetrySpec.MAX_ATTEMPTS);
    Duration initial =
        problems.duration(at + ".initialBackoff", retry.getInitialBackoff(), Duration.ofMillis(1));
    Duration max = problems.duration(at + ".maxBackoff", retry.getMaxBackoff(), Duration.ZERO);
    if (initial != null && max != null && max.compareTo(initial) < 0) {
      problems.add(
          at + ".maxBackoff",
          "must be at least initialBackoff (" + retry.getInitialBackoff() + ")");
    }
  }

  private static void tls(ErpTlsSpec tls, Problems problems) {
    if (tls == null) {
      return;
    }
    String at = "spec.sink.erp.tls";
    if (tls.getCaSecretName() == null && tls.getClientCertificate() == null) {
      problems.add(at, "set caSecretName, clientCertificate or both");
    }
    if (tls.getClientCertificate() != null) {
      problems.required(
          at + ".clientCertificate.secretName", tls.getClientCertificate().getSecretName());
    }
  }
}
