package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Kind of source database, which selects the Debezium connector. */
public enum SourceType {
  /** MySQL, read by Debezium's MySQL connector. */
  @JsonProperty("mysql")
  MYSQL,
  /** MariaDB, read by Debezium's MariaDB connector. */
  @JsonProperty("mariadb")
  MARIADB,
  /** PostgreSQL 16 or later, read by Debezium's PostgreSQL connector (pgoutput). */
  @JsonProperty("postgresql")
  POSTGRESQL;

  /** The port a replica listens on when {@code replicas[].port} is not set. */
  public int defaultPort() {
    return this == POSTGRESQL ? 5432 : 3306;
  }

  /** Whether the source is read from a binlog (MySQL, MariaDB) rather than PostgreSQL's WAL. */
  public boolean binlog() {
    return this != POSTGRESQL;
  }

  /** The value as written in YAML. */
  public String value() {
    try {
      return SourceType.class.getField(name()).getAnnotation(JsonProperty.class).value();
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(e);
    }
  }
}
