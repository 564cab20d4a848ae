package io.twinlog.operator.source;

/**
 * How much a finding matters: errors make the source unusable for CDC, warnings put data at risk.
 */
public enum Severity {
  ERROR,
  WARNING,
  INFO
}
