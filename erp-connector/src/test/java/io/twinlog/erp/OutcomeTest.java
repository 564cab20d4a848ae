package io.twinlog.erp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OutcomeTest {
  @ParameterizedTest
  @CsvSource({
    "200, ACKNOWLEDGED",
    "201, ACKNOWLEDGED",
    "204, ACKNOWLEDGED",
    "500, RETRY",
    "502, RETRY",
    "503, RETRY",
    "504, RETRY",
    "408, RETRY",
    "429, RETRY",
    "-1, RETRY",
    "400, PERMANENT",
    "401, PERMANENT",
    "403, PERMANENT",
    "404, PERMANENT",
    "409, PERMANENT",
    "422, PERMANENT",
    "301, PERMANENT",
    "101, PERMANENT"
  })
  void classifiesStatuses(int status, Outcome expected) {
    assertThat(Outcome.of(status)).isEqualTo(expected);
  }
}
