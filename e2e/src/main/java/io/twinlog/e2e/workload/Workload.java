package io.twinlog.e2e.workload;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Writes a mixed workload to one database on the primary and records the primary's truth: inserts
 * (an order and its items in one transaction), updates, multi-row updates, deletes, and same-second
 * flag flips 0->1->0->1 (three transactions with identical before/after pairs, I3). Every statement
 * changes what it touches, so each one is a binlog row event. Single-threaded and seeded, so a run
 * is reproducible; {@link #step} is one transaction (or one flip series).
 */
public final class Workload implements AutoCloseable {

  /** Tables the workload writes, without the database. */
  public static final List<String> TABLES = List.of("orders", "order_items", "markers");

  private static final String[] STATUSES = {"NEW", "PAID", "PACKED", "SHIPPED", "DONE"};

  private final String database;
  private final String truthPrefix;
  private Connection connection;
  private final Truth truth = new Truth();
  private final Random random;
  private final Clock clock = Clock.systemUTC();
  private final Map<Integer, Map<String, String>> orders = new TreeMap<>();
  private final Map<Integer, Integer> itemCount = new LinkedHashMap<>();
  private int nextOrder = 1;
  private int nextMarker = 1;
  private long operations;

  private Workload(String database, String truthPrefix, Connection connection, long seed) {
    this.database = database;
    this.truthPrefix = truthPrefix;
    this.connection = connection;
    this.random = new Random(seed);
  }

  /**
   * Connects to the primary as a user allowed to write {@code database}, creates the database and
   * its tables (empty), and returns a workload over them.
   */
  public static Workload create(
      String jdbcUrl, String user, String password, String database, long seed)
      throws SQLException {
    Connection connection = DriverManager.getConnection(jdbcUrl, user, password);
    try (Statement s = connection.createStatement()) {
      s.execute("CREATE DATABASE IF NOT EXISTS " + database);
      createTables(s, database);
    }
    connection.setAutoCommit(false);
    return new Workload(database, database, connection, seed);
  }

  /**
   * The same workload on PostgreSQL: its tables in schema {@code schema} of the database the JDBC
   * URL names, with {@code REPLICA IDENTITY FULL} so updates and deletes carry the whole old row as
   * MariaDB's full row images do, readable by {@code reader} (the CDC user). The ERP sees the
   * tables as {@code <database>.<schema>.<table>}, Debezium's {@code db} and {@code schema}.
   */
  public static Workload createPostgres(
      String jdbcUrl,
      String user,
      String password,
      String databaseName,
      String schema,
      String reader,
      long seed)
      throws SQLException {
    Connection connection = DriverManager.getConnection(jdbcUrl, user, password);
    try (Statement s = connection.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
      createTables(s, schema);
      for (String table : TABLES) {
        s.execute("ALTER TABLE " + schema + "." + table + " REPLICA IDENTITY FULL");
      }
      s.execute("GRANT USAGE ON SCHEMA " + schema + " TO " + reader);
      s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA " + schema + " TO " + reader);
    }
    connection.setAutoCommit(false);
    return new Workload(schema, databaseName + "." + schema, connection, seed);
  }

  private static void createTables(Statement s, String database) throws SQLException {
    s.execute(
        "CREATE TABLE IF NOT EXISTS "
            + database
            + ".orders (id INT PRIMARY KEY, status VARCHAR(16) NOT NULL, amount INT NOT NULL,"
            + " flag INT NOT NULL)");
    s.execute(
        "CREATE TABLE IF NOT EXISTS "
            + database
            + ".order_items (order_id INT NOT NULL, line INT NOT NULL, sku VARCHAR(32) NOT NULL,"
            + " qty INT NOT NULL, PRIMARY KEY (order_id, line))");
    s.execute(
        "CREATE TABLE IF NOT EXISTS "
            + database
            + ".markers (id INT PRIMARY KEY, note VARCHAR(64) NOT NULL)");
  }

  /**
   * {@code database.table} names of the workload's tables, as a pipeline's {@code include.tables}
   * names them (PostgreSQL: {@code schema.table}).
   */
  public List<String> qualifiedTables() {
    return TABLES.stream().map(t -> database + "." + t).toList();
  }

  /** The tables as the ERP names them (the truth's keys): PostgreSQL's have the database first. */
  public List<String> truthTables() {
    return TABLES.stream().map(t -> truthPrefix + "." + t).toList();
  }

  /** The database written to. */
  public String database() {
    return database;
  }

  /** What the primary committed so far. */
  public Truth truth() {
    return truth;
  }

  /** Inserts a marker row (used as a barrier: "has this change come through yet?"). */
  public synchronized RowKey marker(String note) throws SQLException {
    int id = nextMarker++;
    try (PreparedStatement insert =
        connection.prepareStatement("INSERT INTO " + database + ".markers VALUES (?, ?)")) {
      insert.setInt(1, id);
      insert.setString(2, note);
      insert.executeUpdate();
    }
    RowKey key = RowKey.of(truthPrefix + ".markers", Map.of("id", id));
    commit(List.of(change(key, "c", Map.of("id", String.valueOf(id), "note", note))));
    return key;
  }

  /**
   * One large transaction with repeated identical changes: three orders flipped (S1), {@code
   * filler} item inserts, the three flipped back (S2), {@code filler} more inserts, flipped again
   * (S3, the same row images as S1). The filler rows are items of one new order (inserted first in
   * the same transaction), written by multi-row statements of 1,000 rows. Returns the ids of the
   * flipped orders; needs at least three live orders.
   */
  public synchronized List<Integer> largeTransactionWithRepeats(int filler) throws SQLException {
    operations++;
    List<Integer> flipped = new ArrayList<>(orders.keySet()).subList(0, 3);
    List<TruthChange> tx = new ArrayList<>();
    int holder = nextOrder++;
    try (Statement s = connection.createStatement()) {
      s.executeUpdate("INSERT INTO " + database + ".orders VALUES (" + holder + ", 'NEW', 0, 0)");
      Map<String, String> row =
          Map.of("id", s(holder), "status", "NEW", "amount", s(0), "flag", s(0));
      // The holder order is not offered to later steps: deleting or updating its items would be
      // another transaction of this size.
      tx.add(change(orderKey(holder), "c", row));
      int line = 1;
      for (int series = 0; series < 3; series++) {
        for (int id : flipped) {
          Map<String, String> after = new LinkedHashMap<>(orders.get(id));
          after.put("flag", s(1 - Integer.parseInt(after.get("flag"))));
          s.executeUpdate("UPDATE " + database + ".orders SET flag = 1 - flag WHERE id = " + id);
          tx.add(change(orderKey(id), "u", after));
          orders.put(id, Map.copyOf(after));
        }
        if (series == 2) {
          break;
        }
        int end = line + filler;
        while (line < end) {
          int chunk = Math.min(1000, end - line);
          StringBuilder insert =
              new StringBuilder("INSERT INTO " + database + ".order_items VALUES ");
          for (int k = 0; k < chunk; k++, line++) {
            insert.append(k == 0 ? "" : ",").append("(" + holder + "," + line + ",'FILL',1)");
            tx.add(
                change(
                    itemKey(holder, line),
                    "c",
                    Map.of("order_id", s(holder), "line", s(line), "sku", "FILL", "qty", s(1))));
          }
          s.executeUpdate(insert.toString());
        }
      }
    }
    commit(tx);
    return List.copyOf(flipped);
  }

  /**
   * Goes on writing on another server (a promoted replica) whose data are what this workload had
   * committed up to change {@code applied}: the truth keeps those changes and returns the rest (the
   * old primary's tail, which the new primary never had), and the rows are re-read from the new
   * server so the next steps change what it holds. Ids of new orders and markers stay above any
   * used before.
   */
  public synchronized List<TruthChange> moveTo(
      String jdbcUrl, String user, String password, int applied) throws SQLException {
    try {
      connection.close();
    } catch (SQLException deadServer) {
      // the old primary is gone; its connection with it
    }
    connection = DriverManager.getConnection(jdbcUrl, user, password);
    connection.setAutoCommit(false);
    orders.clear();
    itemCount.clear();
    try (Statement s = connection.createStatement()) {
      try (var rows =
          s.executeQuery("SELECT id, status, amount, flag FROM " + database + ".orders")) {
        while (rows.next()) {
          orders.put(
              rows.getInt(1),
              Map.of(
                  "id", s(rows.getInt(1)),
                  "status", rows.getString(2),
                  "amount", s(rows.getInt(3)),
                  "flag", s(rows.getInt(4))));
        }
      }
      try (var rows =
          s.executeQuery(
              "SELECT order_id, MAX(line) FROM " + database + ".order_items GROUP BY order_id")) {
        while (rows.next()) {
          itemCount.put(rows.getInt(1), rows.getInt(2));
        }
      }
    }
    connection.commit();
    orders.keySet().forEach(id -> itemCount.putIfAbsent(id, 0));
    return truth.truncate(applied);
  }

  /** Runs {@code transactions} steps, pacing them to at most {@code perSecond} (0: no pacing). */
  public void run(int transactions, int perSecond) throws SQLException, InterruptedException {
    long start = System.nanoTime();
    for (int i = 0; i < transactions; i++) {
      step();
      if (perSecond > 0) {
        long due = start + (long) ((i + 1) * 1e9 / perSecond);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(Duration.ofNanos(wait)); // pacing the load, not waiting for a condition
        }
      }
    }
  }

  /** One transaction chosen at random (a flip series counts as one step). */
  public synchronized void step() throws SQLException {
    operations++;
    int live = orders.size();
    int dice = random.nextInt(100);
    if (live < 5 || dice < 35) {
      insertOrder();
    } else if (dice < 60) {
      updateOrder(pick());
    } else if (dice < 72) {
      updateItems(pick());
    } else if (dice < 85) {
      flip(pick());
    } else {
      deleteOrder(pick());
    }
  }

  private int pick() {
    List<Integer> ids = new ArrayList<>(orders.keySet());
    return ids.get(random.nextInt(ids.size()));
  }

  private void insertOrder() throws SQLException {
    int id = nextOrder++;
    int items = 1 + random.nextInt(3);
    Map<String, String> row = Map.of("id", s(id), "status", "NEW", "amount", s(0), "flag", s(0));
    List<TruthChange> tx = new ArrayList<>();
    try (PreparedStatement order =
            connection.prepareStatement(
                "INSERT INTO " + database + ".orders VALUES (?, 'NEW', 0, 0)");
        PreparedStatement item =
            connection.prepareStatement(
                "INSERT INTO " + database + ".order_items VALUES (?, ?, ?, ?)")) {
      order.setInt(1, id);
      order.executeUpdate();
      tx.add(change(orderKey(id), "c", row));
      for (int line = 1; line <= items; line++) {
        String sku = "SKU-" + random.nextInt(1000);
        item.setInt(1, id);
        item.setInt(2, line);
        item.setString(3, sku);
        item.setInt(4, 1);
        item.executeUpdate();
        tx.add(
            change(
                itemKey(id, line),
                "c",
                Map.of("order_id", s(id), "line", s(line), "sku", sku, "qty", s(1))));
      }
    }
    commit(tx);
    orders.put(id, row);
    itemCount.put(id, items);
  }

  private void updateOrder(int id) throws SQLException {
    Map<String, String> before = orders.get(id);
    Map<String, String> after = new LinkedHashMap<>(before);
    after.put("status", STATUSES[random.nextInt(STATUSES.length)]);
    // amount always moves, so the update changes the row even when the status repeats.
    after.put("amount", s(Integer.parseInt(before.get("amount")) + 1 + random.nextInt(50)));
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE " + database + ".orders SET status = ?, amount = ? WHERE id = ?")) {
      update.setString(1, after.get("status"));
      update.setInt(2, Integer.parseInt(after.get("amount")));
      update.setInt(3, id);
      update.executeUpdate();
    }
    commit(List.of(change(orderKey(id), "u", after)));
    orders.put(id, Map.copyOf(after));
  }

  private void updateItems(int id) throws SQLException {
    // One statement, several rows: all share one GTID.
    List<TruthChange> tx = new ArrayList<>();
    try (Statement update = connection.createStatement()) {
      update.executeUpdate(
          "UPDATE " + database + ".order_items SET qty = qty + 1 WHERE order_id = " + id);
    }
    try (var rows =
        connection
            .createStatement()
            .executeQuery(
                "SELECT line, sku, qty FROM "
                    + database
                    + ".order_items WHERE order_id = "
                    + id
                    + " ORDER BY line")) {
      while (rows.next()) {
        int line = rows.getInt(1);
        tx.add(
            change(
                itemKey(id, line),
                "u",
                Map.of(
                    "order_id", s(id),
                    "line", s(line),
                    "sku", rows.getString(2),
                    "qty", s(rows.getInt(3)))));
      }
    }
    commit(tx);
  }

  private void flip(int id) throws SQLException {
    // 0->1->0->1 (or 1->0->1->0) in three transactions within about a millisecond: the 1st and
    // 3rd changes are identical in content and both must arrive (I3).
    for (int i = 0; i < 3; i++) {
      Map<String, String> after = new LinkedHashMap<>(orders.get(id));
      after.put("flag", s(1 - Integer.parseInt(after.get("flag"))));
      try (Statement update = connection.createStatement()) {
        update.executeUpdate("UPDATE " + database + ".orders SET flag = 1 - flag WHERE id = " + id);
      }
      commit(List.of(change(orderKey(id), "u", after)));
      orders.put(id, Map.copyOf(after));
    }
  }

  private void deleteOrder(int id) throws SQLException {
    List<TruthChange> tx = new ArrayList<>();
    int items = itemCount.get(id);
    try (Statement delete = connection.createStatement()) {
      delete.executeUpdate("DELETE FROM " + database + ".order_items WHERE order_id = " + id);
      delete.executeUpdate("DELETE FROM " + database + ".orders WHERE id = " + id);
    }
    for (int line = 1; line <= items; line++) {
      tx.add(change(itemKey(id, line), "d", null));
    }
    tx.add(change(orderKey(id), "d", null));
    commit(tx);
    orders.remove(id);
    itemCount.remove(id);
  }

  private void commit(List<TruthChange> tx) throws SQLException {
    connection.commit();
    Instant committed = clock.instant();
    List<TruthChange> stamped = new ArrayList<>(tx.size());
    for (TruthChange c : tx) {
      stamped.add(new TruthChange(c.key(), c.op(), c.after(), c.gtidHint(), committed));
    }
    truth.committed(stamped);
  }

  private TruthChange change(RowKey key, String op, Map<String, String> after) {
    return new TruthChange(key, op, after == null ? null : Map.copyOf(after), operations, null);
  }

  private RowKey orderKey(int id) {
    return RowKey.of(truthPrefix + ".orders", Map.of("id", id));
  }

  private RowKey itemKey(int id, int line) {
    return RowKey.of(truthPrefix + ".order_items", Map.of("order_id", id, "line", line));
  }

  private static String s(int value) {
    return Integer.toString(value);
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
