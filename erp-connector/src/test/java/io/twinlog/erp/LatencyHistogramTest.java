package io.twinlog.erp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
  @Test
  void bucketsAreCumulativeAndBoundsInclusive() {
    LatencyHistogram histogram = new LatencyHistogram();
    histogram.record(5);
    histogram.record(6);
    histogram.record(99);
    histogram.record(60_000);
    assertThat(histogram.cumulative(0)).isEqualTo(1); // <= 5 ms
    assertThat(histogram.cumulative(1)).isEqualTo(2); // <= 10 ms
    assertThat(histogram.cumulative(4)).isEqualTo(3); // <= 100 ms
    assertThat(histogram.cumulative(LatencyHistogram.BOUNDS_MS.length - 1)).isEqualTo(3);
    assertThat(histogram.count()).isEqualTo(4);
    assertThat(histogram.maxMs()).isEqualTo(60_000);
    assertThat(histogram.sumMs()).isEqualTo(60_110);
  }
}
