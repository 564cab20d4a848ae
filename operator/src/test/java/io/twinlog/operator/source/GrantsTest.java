package io.twinlog.operator.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GrantsTest {

  @Test
  void mariaDbSpellingsAreNormalised() {
    Grants grants =
        Grants.parse(
            List.of(
                "GRANT RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, SLAVE MONITOR"
                    + " ON *.* TO `cdc`@`%` IDENTIFIED BY PASSWORD '*X'",
                "GRANT SELECT (id, total) ON `shop`.`orders` TO `cdc`@`%`"));
    assertThat(grants.missing(Flavor.MARIADB)).isEmpty();
    assertThat(grants.has("BINLOG MONITOR")).isTrue();
    assertThat(grants.has("REPLICA MONITOR")).isTrue();
    assertThat(grants.grantee()).isEqualTo("'cdc'@'%'");
    assertThat(grants.canSetRetention(Flavor.MARIADB)).isFalse();
  }

  @Test
  void databaseLevelPrivilegesDoNotCountAsGlobal() {
    Grants grants =
        Grants.parse(
            List.of(
                "GRANT ALL PRIVILEGES ON `shop`.* TO `cdc`@`%`",
                "GRANT USAGE ON *.* TO `cdc`@`%`"));
    assertThat(grants.missing(Flavor.MARIADB))
        .containsExactly("RELOAD", "SHOW DATABASES", "REPLICATION SLAVE", "BINLOG MONITOR");
  }

  @Test
  void mySqlDynamicPrivilegesAndAll() {
    Grants grants =
        Grants.parse(
            List.of(
                "GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.*"
                    + " TO `cdc`@`%`",
                "GRANT BINLOG_ADMIN,SYSTEM_VARIABLES_ADMIN ON *.* TO `cdc`@`%`"));
    assertThat(grants.missing(Flavor.MYSQL)).isEmpty();
    assertThat(grants.canSetRetention(Flavor.MYSQL)).isTrue();
    assertThat(
            Grants.parse(List.of("GRANT ALL ON *.* TO `root`@`%`")).canSetRetention(Flavor.MARIADB))
        .isTrue();
  }
}
