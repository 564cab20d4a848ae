package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Kind of source database, which selects the Debezium connector. */
public enum SourceType {
  /** MySQL, read by Debezium's MySQL connector. */
  @JsonProperty("mysql")
  MYSQL,
  /** MariaDB, read by Debezium's MariaDB connector. */
  @JsonProperty("mariadb")
  MARIADB;

  /** The value as written in YAML. */
  public String value() {
    try {
      return SourceType.class.getField(name()).getAnnotation(JsonProperty.class).value();
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(e);
    }
  }
}
