package io.twinlog.operator.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GtidSetsTest {

  @Test
  void mariaDbPositionCoversASeedPerDomainWhicheverServerWroteIt() {
    assertThat(GtidSets.covers(Flavor.MARIADB, "0-1-100", "0-1-100")).isTrue();
    assertThat(GtidSets.covers(Flavor.MARIADB, "0-2-101", "0-1-100")).isTrue();
    assertThat(GtidSets.covers(Flavor.MARIADB, "0-1-99", "0-1-100")).isFalse();
    assertThat(GtidSets.covers(Flavor.MARIADB, "0-1-100,1-3-7", "1-3-7,0-1-50")).isTrue();
    assertThat(GtidSets.covers(Flavor.MARIADB, "0-1-100", "0-1-50,1-3-7")).isFalse();
  }

  @Test
  void mySqlPositionCoversASeedIntervalByInterval() {
    String uuid = "3E11FA47-71CA-11E1-9E33-C80AA9429562";
    assertThat(GtidSets.covers(Flavor.MYSQL, uuid + ":1-10", uuid.toLowerCase() + ":1-5")).isTrue();
    assertThat(GtidSets.covers(Flavor.MYSQL, uuid + ":1-5:7-9", uuid + ":1-5:8")).isTrue();
    assertThat(GtidSets.covers(Flavor.MYSQL, uuid + ":1-5:7-9", uuid + ":1-6")).isFalse();
    assertThat(GtidSets.covers(Flavor.MYSQL, uuid + ":1-5", "aaaa:1")).isFalse();
  }

  @Test
  void anEmptySeedIsCoveredAndAnUnknownPositionCoversNothing() {
    assertThat(GtidSets.covers(Flavor.MARIADB, null, "")).isTrue();
    assertThat(GtidSets.covers(Flavor.MARIADB, null, "0-1-1")).isFalse();
  }

  @Test
  void aMalformedGtidSaysWhatItExpected() {
    assertThatThrownBy(() -> GtidSets.covers(Flavor.MARIADB, "0-1", "0-1-1"))
        .hasMessageContaining("domain-server-seq");
  }
}
