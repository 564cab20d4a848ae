package io.twinlog.e2e.workload;

import io.twinlog.e2e.check.Delivered;
import io.twinlog.e2e.erp.ErpRequest;
import io.twinlog.testkit.MariaDbServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * TEST CODE: a table that has rows before the pipeline exists ({@code customers}: id, version),
 * updated on the primary while the pipeline starts, and the check of what the ERP got of it: one
 * snapshot record per row, first of its row; after it only changes of a higher version, each
 * acknowledged once; the last one the primary's row. Versions only grow, so "older after newer"
 * shows as a version that does not.
 */
public final class ExistingRows {
  /** The table, without its database. */
  public static final String TABLE = "customers";

  private static final int BATCH = 5_000;

  private final MariaDbServer primary;
  private final String database;
  private final int rows;
  private final AtomicBoolean updating = new AtomicBoolean();
  private final AtomicLong updates = new AtomicLong();
  private Thread updater;

  public ExistingRows(MariaDbServer primary, String database, int rows) {
    this.primary = primary;
    this.database = database;
    this.rows = rows;
  }

  /** Creates the table with {@code rows} rows at version 0 (before the pipeline is applied). */
  public void create() {
    try (Connection c = primary.connect();
        Statement s = c.createStatement()) {
      // The sequence engine's seq_<from>_to_<to> tables live in the current database.
      s.execute("USE " + database);
      s.execute("DROP TABLE IF EXISTS " + database + "." + TABLE);
      s.execute(
          "CREATE TABLE "
              + database
              + "."
              + TABLE
              + " (id INT PRIMARY KEY, version INT NOT NULL, note VARCHAR(32) NOT NULL)");
      for (int first = 1; first <= rows; first += BATCH) {
        int last = Math.min(rows, first + BATCH - 1);
        s.execute(
            "INSERT INTO "
                + database
                + "."
                + TABLE
                + " SELECT seq, 0, 'existing' FROM seq_"
                + first
                + "_to_"
                + last);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Updates random rows, a few per transaction, until {@link #stopUpdating}: the snapshot reads
   * some of them before and some after the update, and the streams carry the updates.
   */
  public void startUpdating() {
    updating.set(true);
    updater =
        new Thread(
            () -> {
              Random random = new Random(rows);
              try (Connection c = primary.connect();
                  PreparedStatement update =
                      c.prepareStatement(
                          "UPDATE "
                              + database
                              + "."
                              + TABLE
                              + " SET version = version + 1, note = 'updated' WHERE id = ?")) {
                c.setAutoCommit(false);
                while (updating.get()) {
                  for (int i = 0; i < 3; i++) {
                    update.setInt(1, 1 + random.nextInt(rows));
                    update.executeUpdate();
                  }
                  c.commit();
                  updates.addAndGet(3);
                  java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
                }
              } catch (SQLException e) {
                throw new IllegalStateException(e);
              }
            },
            "existing-rows-updater");
    updater.setDaemon(true);
    updater.start();
  }

  /** Stops the updates and waits for the last one to commit. */
  public void stopUpdating() throws InterruptedException {
    updating.set(false);
    if (updater != null) {
      updater.join();
    }
  }

  /** Updates committed. */
  public long updates() {
    return updates.get();
  }

  /**
   * What the check found.
   *
   * @param snapshotRecords snapshot records ({@code op=r}) acknowledged, once each
   * @param changes other changes acknowledged, once each
   * @param problems one line per violation
   */
  public record Result(int snapshotRecords, int changes, int duplicates, List<String> problems) {
    public String summary() {
      return snapshotRecords
          + " snapshot records, "
          + changes
          + " later changes, "
          + duplicates
          + " acknowledged twice, "
          + problems.size()
          + " problems";
    }
  }

  /**
   * Checks the ERP's requests for {@code table} ({@code database.customers}) against the primary.
   */
  public Result check(List<ErpRequest> requests, String table) throws SQLException {
    Map<Integer, Integer> primaryVersions = new HashMap<>();
    try (Connection c = primary.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, version FROM " + database + "." + TABLE)) {
      while (rs.next()) {
        primaryVersions.put(rs.getInt(1), rs.getInt(2));
      }
    }
    Set<String> seen = new HashSet<>();
    Map<Integer, List<String>> byRow = new LinkedHashMap<>();
    int duplicates = 0;
    int snapshots = 0;
    int changes = 0;
    List<String> problems = new ArrayList<>();
    for (ErpRequest request : requests) {
      if (!request.accepted()) {
        continue;
      }
      for (Delivered change : Delivered.parse(request)) {
        if (!table.equals(change.key().table())) {
          continue;
        }
        if (!seen.add(String.valueOf(change.idempotencyKey()))) {
          duplicates++;
          continue;
        }
        int id = Integer.parseInt(change.key().columns().get("id"));
        String op = change.op();
        int version =
            change.after() == null || change.after().get("version") == null
                ? -1
                : Integer.parseInt(change.after().get("version"));
        if (op.equals("r")) {
          snapshots++;
        } else {
          changes++;
        }
        byRow.computeIfAbsent(id, k -> new ArrayList<>()).add(op + version);
      }
    }
    if (duplicates > 0) {
      problems.add(duplicates + " changes acknowledged more than once");
    }
    for (Map.Entry<Integer, Integer> row : primaryVersions.entrySet()) {
      List<String> got = byRow.getOrDefault(row.getKey(), List.of());
      if (got.isEmpty() || !got.getFirst().startsWith("r")) {
        problems.add("row " + row.getKey() + ": no snapshot record first: " + got);
        continue;
      }
      int last = -1;
      for (String change : got) {
        int version = Integer.parseInt(change.substring(1));
        if (change.startsWith("r") && last >= 0) {
          problems.add("row " + row.getKey() + ": a second snapshot record: " + got);
        }
        if (version <= last) {
          problems.add(
              "row " + row.getKey() + ": version " + version + " after " + last + ": " + got);
        }
        last = version;
      }
      if (last != row.getValue()) {
        problems.add(
            "row "
                + row.getKey()
                + ": last delivered version "
                + last
                + ", primary has "
                + row.getValue()
                + ": "
                + got);
      }
    }
    return new Result(snapshots, changes, duplicates, problems);
  }
}
