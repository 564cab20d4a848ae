package io.twinlog.operator.source;

import java.time.Duration;

/** What failure messages need to know of a check, whatever the kind of source. */
interface CheckTarget {
  String replicaName();

  String host();

  int port();

  String user();

  Duration connectTimeout();

  Duration readTimeout();
}
