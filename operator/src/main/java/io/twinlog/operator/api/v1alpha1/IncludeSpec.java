package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;
import lombok.Setter;

/** Which databases and tables a pipeline captures. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Setter
public class IncludeSpec {

  /** Most databases per pipeline (keeps the schema's CEL cost bounded). */
  public static final int MAX_DATABASES = 50;

  /** Most tables per pipeline (keeps the schema's CEL cost bounded). */
  public static final int MAX_TABLES = 200;

  /** Longest MySQL/MariaDB identifier. */
  public static final int MAX_IDENTIFIER_LENGTH = 64;

  @JsonPropertyDescription(
      "Databases to capture (Debezium's database.include.list), as plain names such as 'shop'."
          + " PostgreSQL: exactly one, the database the connectors connect to (database.dbname).")
  @Required
  @Size(min = 1, max = MAX_DATABASES)
  private List<@Pattern(ApiPatterns.IDENTIFIER) @Size(min = 1, max = MAX_IDENTIFIER_LENGTH) String>
      databases = new ArrayList<>();

  @JsonPropertyDescription(
      "Tables to capture and deduplicate, as 'database.table' (Debezium's table.include.list),"
          + " for PostgreSQL 'schema.table' such as 'public.orders'; each gets its own"
          + " deduplicated output topic <outputTopicPrefix>.<database or schema>.<table>.")
  @Required
  @Size(min = 1, max = MAX_TABLES)
  private List<
          @Pattern(ApiPatterns.TABLE) @Size(min = 3, max = 2 * MAX_IDENTIFIER_LENGTH + 1) String>
      tables = new ArrayList<>();

  public List<String> getDatabases() {
    return databases == null ? List.of() : databases;
  }

  public List<String> getTables() {
    return tables == null ? List.of() : tables;
  }
}
