package io.twinlog.operator.source;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whether one server's GTID position contains another: the question "has this replica's binlog
 * reached the seed position yet" that a source must answer yes to before its connector may start
 * there (docs/concepts/consistent-start.md).
 */
public final class GtidSets {
  private GtidSets() {}

  /**
   * Whether {@code position} contains every transaction of {@code seed}.
   *
   * <p>MariaDB ({@code domain-server-seq}, comma separated): a domain's sequence numbers only grow,
   * whichever server wrote them, so a position covers a seed when it has each of the seed's domains
   * at an equal or higher sequence number. MySQL ({@code uuid:1-5:7,uuid2:1-3}): each interval of
   * the seed lies inside one of the position's for the same server uuid. An empty seed is covered
   * by anything; a null position by nothing.
   */
  public static boolean covers(Flavor flavor, String position, String seed) {
    if (seed == null || seed.isBlank()) {
      return true;
    }
    if (position == null) {
      return false;
    }
    return flavor == Flavor.MARIADB ? coversMariaDb(position, seed) : coversMySql(position, seed);
  }

  private static boolean coversMariaDb(String position, String seed) {
    Map<String, Long> reached = new HashMap<>();
    for (String gtid : split(position)) {
      String[] parts = mariaDb(gtid);
      reached.merge(parts[0], Long.parseLong(parts[2]), Math::max);
    }
    for (String gtid : split(seed)) {
      String[] parts = mariaDb(gtid);
      Long at = reached.get(parts[0]);
      if (at == null || at < Long.parseLong(parts[2])) {
        return false;
      }
    }
    return true;
  }

  private static String[] mariaDb(String gtid) {
    String[] parts = gtid.split("-");
    if (parts.length != 3) {
      throw new IllegalArgumentException("not a MariaDB GTID (domain-server-seq): " + gtid);
    }
    return parts;
  }

  private static boolean coversMySql(String position, String seed) {
    Map<String, List<long[]>> reached = mySql(position);
    for (Map.Entry<String, List<long[]>> server : mySql(seed).entrySet()) {
      List<long[]> have = reached.getOrDefault(server.getKey(), List.of());
      for (long[] wanted : server.getValue()) {
        if (have.stream().noneMatch(h -> h[0] <= wanted[0] && wanted[1] <= h[1])) {
          return false;
        }
      }
    }
    return true;
  }

  /** uuid (lower case) to its intervals, each {@code [first, last]}. */
  private static Map<String, List<long[]>> mySql(String set) {
    Map<String, List<long[]>> intervals = new HashMap<>();
    for (String server : split(set)) {
      String[] parts = server.split(":");
      if (parts.length < 2) {
        throw new IllegalArgumentException("not a MySQL GTID set (uuid:interval): " + server);
      }
      List<long[]> list =
          intervals.computeIfAbsent(parts[0].toLowerCase(Locale.ROOT), k -> new ArrayList<>());
      for (int i = 1; i < parts.length; i++) {
        String[] range = parts[i].split("-");
        long first = Long.parseLong(range[0]);
        list.add(new long[] {first, range.length > 1 ? Long.parseLong(range[1]) : first});
      }
    }
    return intervals;
  }

  private static List<String> split(String set) {
    List<String> items = new ArrayList<>();
    for (String item : set.replace("\n", "").split(",")) {
      if (!item.isBlank()) {
        items.add(item.trim());
      }
    }
    return items;
  }
}
