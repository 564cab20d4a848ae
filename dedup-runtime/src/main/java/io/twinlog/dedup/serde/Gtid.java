package io.twinlog.dedup.serde;

/**
 * A global transaction id reduced to what ordering needs: a domain within which sequence numbers
 * only grow (MariaDB {@code domain-server-seq}: the domain id; MySQL {@code uuid:n}: the uuid), and
 * the sequence number.
 */
public record Gtid(String domain, long seq, String text) {

  /** Parses MariaDB ({@code 0-1-42}) and MySQL ({@code 3E11FA47-...:42}) GTIDs. */
  public static Gtid parse(String text) throws BadRecordException {
    try {
      int colon = text.lastIndexOf(':');
      if (colon > 0) {
        return new Gtid(text.substring(0, colon), Long.parseLong(text.substring(colon + 1)), text);
      }
      int first = text.indexOf('-');
      int last = text.lastIndexOf('-');
      if (first > 0 && last > first) {
        Long.parseLong(text.substring(first + 1, last));
        return new Gtid(text.substring(0, first), Long.parseLong(text.substring(last + 1)), text);
      }
    } catch (NumberFormatException e) {
      // fall through to the error below
    }
    throw new BadRecordException("source.gtid '" + text + "' is neither d-s-n nor uuid:n");
  }

  /**
   * The server id of a MariaDB GTID ({@code 0-2-163}: "2"); empty for MySQL, whose uuid is the
   * domain. Two GTIDs of one domain and sequence number with different server ids come from
   * diverged histories (a failover to a replica that lacked the old primary's last transactions).
   */
  public String server() {
    int first = text.indexOf('-');
    int last = text.lastIndexOf('-');
    return text.indexOf(':') < 0 && first > 0 && last > first
        ? text.substring(first + 1, last)
        : "";
  }

  public boolean sameDomain(Gtid other) {
    return other != null && domain.equals(other.domain);
  }
}
