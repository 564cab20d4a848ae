package io.twinlog.operator.source;

/** The server family, which decides variable names and privilege names. */
public enum Flavor {
  MARIADB,
  MYSQL;

  /**
   * MariaDB says so in {@code version}; anything else speaking the protocol is treated as MySQL.
   */
  static Flavor fromVersion(String version) {
    return version != null && version.toLowerCase(java.util.Locale.ROOT).contains("mariadb")
        ? MARIADB
        : MYSQL;
  }
}
