package io.twinlog.operator.validation;

/**
 * One problem in a CdcPipeline: the path of the field ({@code spec.source.replicas[1].serverId})
 * and what is wrong with it.
 */
public record ValidationError(String field, String message) {

  /** {@code field: message}, the form used in conditions, Events and the samples' expectations. */
  @Override
  public String toString() {
    return field + ": " + message;
  }
}
