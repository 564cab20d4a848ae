package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import lombok.Setter;

/**
 * How a PostgreSQL source's connectors find the changes: the publication (a catalog object on the
 * primary, replicated to every standby) that names the captured tables. Slot names are not set
 * here: Twinlog derives one per replica (docs/concepts/postgresql.md).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Setter
public class PostgresSpec {

  /** Longest PostgreSQL identifier (NAMEDATALEN - 1). */
  public static final int MAX_IDENTIFIER_LENGTH = 63;

  /** The publication read when {@code publication} is not set. */
  public static final String DEFAULT_PUBLICATION = "twinlog";

  @JsonPropertyDescription(
      "Name of the publication the connectors read (Debezium's publication.name). It must"
          + " include every table in include.tables. Default: twinlog.")
  @Default(DEFAULT_PUBLICATION)
  @Pattern("^[a-z_][a-z0-9_]*$")
  @Size(min = 1, max = MAX_IDENTIFIER_LENGTH)
  private String publication;

  @JsonPropertyDescription(
      "Who creates the publication. disabled: a DBA creates it on the primary (CREATE PUBLICATION"
          + " <name> FOR TABLE ...), so the replication user needs no ownership of the tables; this"
          + " is the only choice that works when the replicas are standbys, which are read-only."
          + " filtered: the connector creates it for include.tables when it is missing (Debezium's"
          + " filtered mode; the user must own the tables and the replica must be the primary)."
          + " Default: disabled.")
  @Default("disabled")
  private PublicationAutocreate publicationAutocreate;

  public String getPublication() {
    return publication == null ? DEFAULT_PUBLICATION : publication;
  }

  public PublicationAutocreate getPublicationAutocreate() {
    return publicationAutocreate == null ? PublicationAutocreate.DISABLED : publicationAutocreate;
  }
}
