package io.twinlog.erp;

import org.apache.kafka.connect.errors.ConnectException;

/**
 * Why a record went to the dead-letter topic; its message lands in Connect's {@code
 * __connect.errors.exception.message} header. It never carries credentials.
 */
public class ErpDeliveryException extends ConnectException {
  public ErpDeliveryException(String message) {
    super(message);
  }
}
