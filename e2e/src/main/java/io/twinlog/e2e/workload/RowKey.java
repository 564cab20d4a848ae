package io.twinlog.e2e.workload;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A row's identity: {@code database.table} and its primary-key columns with values as strings, so
 * the primary's truth and the ERP's JSON compare without type quirks.
 */
public record RowKey(String table, SortedMap<String, String> columns) {

  public RowKey {
    columns = new TreeMap<>(columns);
  }

  /** A key from column values of any type (compared as their string forms). */
  public static RowKey of(String table, Map<String, ?> columns) {
    SortedMap<String, String> text = new TreeMap<>();
    columns.forEach((k, v) -> text.put(k, String.valueOf(v)));
    return new RowKey(table, text);
  }

  @Override
  public String toString() {
    return table + columns;
  }
}
