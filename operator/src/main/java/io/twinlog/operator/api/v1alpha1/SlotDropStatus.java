package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.EqualsAndHashCode;
import lombok.Getter;
import lombok.Setter;
import lombok.ToString;

/**
 * A PostgreSQL replica removed from the spec whose replication slot Twinlog has yet to drop. Kept
 * in the status because the spec no longer says where that replica is, and an operator restart must
 * not forget a slot that would keep WAL until the disk fills (docs/concepts/postgresql.md).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
@EqualsAndHashCode
@ToString
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
}
