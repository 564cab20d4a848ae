package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/**
 * A PostgreSQL replica removed from the spec whose replication slot Twinlog has yet to drop. Kept
 * in the status because the spec no longer says where that replica is, and an operator restart must
 * not forget a slot that would keep WAL until the disk fills (docs/concepts/postgresql.md).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SlotDropStatus {

  @JsonPropertyDescription("The removed replica's name.")
  private String replica;

  @JsonPropertyDescription("Host the removed replica's connector read (its database.hostname).")
  private String host;

  @JsonPropertyDescription("Port the removed replica's connector read.")
  private Integer port;

  @JsonPropertyDescription("The database its slot is bound to.")
  private String database;

  @JsonPropertyDescription("The replication slot to drop on that server.")
  private String slot;

  @JsonPropertyDescription("When the replica was removed (RFC 3339).")
  private String since;

  public String getReplica() {
    return replica;
  }

  public void setReplica(String replica) {
    this.replica = replica;
  }

  public String getHost() {
    return host;
  }

  public void setHost(String host) {
    this.host = host;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public String getDatabase() {
    return database;
  }

  public void setDatabase(String database) {
    this.database = database;
  }

  public String getSlot() {
    return slot;
  }

  public void setSlot(String slot) {
    this.slot = slot;
  }

  public String getSince() {
    return since;
  }

  public void setSince(String since) {
    this.since = since;
  }

  /** A pending drop. */
  public static SlotDropStatus of(
      String replica, String host, Integer port, String database, String slot, String since) {
    SlotDropStatus s = new SlotDropStatus();
    s.replica = replica;
    s.host = host;
    s.port = port;
    s.database = database;
    s.slot = slot;
    s.since = since;
    return s;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SlotDropStatus other
        && Objects.equals(replica, other.replica)
        && Objects.equals(host, other.host)
        && Objects.equals(port, other.port)
        && Objects.equals(database, other.database)
        && Objects.equals(slot, other.slot)
        && Objects.equals(since, other.since);
  }

  @Override
  public int hashCode() {
    return Objects.hash(replica, host, port, database, slot, since);
  }

  @Override
  public String toString() {
    return "SlotDropStatus{replica="
        + replica
        + ", host="
        + host
        + ", port="
        + port
        + ", database="
        + database
        + ", slot="
        + slot
        + ", since="
        + since
        + "}";
  }
}
