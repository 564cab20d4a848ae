package io.twinlog.operator.source;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The privileges {@code SHOW GRANTS} lists for the current user, normalised across MariaDB and
 * MySQL spellings (REPLICATION CLIENT = BINLOG MONITOR, SLAVE = REPLICA).
 *
 * @param global privileges granted {@code ON *.*}
 * @param anySelect SELECT granted on anything (Debezium needs it on the captured tables)
 * @param grantee the account as SHOW GRANTS names it, e.g. {@code 'cdc'@'%'}
 */
public record Grants(Set<String> global, boolean anySelect, String grantee) {

  private static final Pattern GRANT =
      Pattern.compile("^GRANT\\s+(.+?)\\s+ON\\s+(\\S+)\\s+TO\\s+(\\S+)", Pattern.CASE_INSENSITIVE);
  private static final String ALL = "ALL PRIVILEGES";

  /** Parses the rows of {@code SHOW GRANTS}. */
  public static Grants parse(List<String> lines) {
    Set<String> global = new LinkedHashSet<>();
    boolean anySelect = false;
    String grantee = null;
    for (String line : lines) {
      Matcher m = GRANT.matcher(line.trim());
      if (!m.find()) {
        continue;
      }
      // Column privileges look like SELECT (a, b); the column list does not matter here.
      String privileges = m.group(1).replaceAll("\\([^)]*\\)", "");
      String on = m.group(2).replace("`", "");
      if (grantee == null) {
        grantee = m.group(3).replace('`', '\'');
      }
      for (String p : privileges.split(",")) {
        String privilege = normalise(p);
        if (privilege.isEmpty() || privilege.equals("PROXY")) {
          continue;
        }
        if (privilege.equals("SELECT") || privilege.equals(ALL)) {
          anySelect = true;
        }
        if (on.equals("*.*")) {
          global.add(privilege);
        }
      }
    }
    return new Grants(Set.copyOf(global), anySelect, grantee);
  }

  static String normalise(String privilege) {
    String p = privilege.trim().toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
    return switch (p) {
      case "ALL" -> ALL;
      case "REPLICATION CLIENT" -> "BINLOG MONITOR";
      case "REPLICATION REPLICA" -> "REPLICATION SLAVE";
      case "SLAVE MONITOR" -> "REPLICA MONITOR";
      default -> p;
    };
  }

  /** True when the user holds {@code privilege} globally (ALL PRIVILEGES counts). */
  public boolean has(String privilege) {
    return global.contains(ALL) || global.contains(normalise(privilege));
  }

  /** Privileges Debezium needs for {@code flavor}, in the server's own spelling. */
  public static List<String> required(Flavor flavor) {
    return List.of(
        "SELECT",
        "RELOAD",
        "SHOW DATABASES",
        "REPLICATION SLAVE",
        flavor == Flavor.MARIADB ? "BINLOG MONITOR" : "REPLICATION CLIENT");
  }

  /** The required privileges this user lacks, in the server's own spelling. */
  public List<String> missing(Flavor flavor) {
    List<String> missing = new ArrayList<>();
    for (String privilege : required(flavor)) {
      boolean held = privilege.equals("SELECT") ? anySelect || has("SELECT") : has(privilege);
      if (!held) {
        missing.add(privilege);
      }
    }
    return missing;
  }

  /** Whether {@code SET GLOBAL binlog_expire_logs_seconds} is allowed. */
  public boolean canSetRetention(Flavor flavor) {
    return has("SUPER")
        || (flavor == Flavor.MARIADB ? has("BINLOG ADMIN") : has("SYSTEM_VARIABLES_ADMIN"));
  }

  /** The privilege to name when {@link #canSetRetention} is false. */
  static String retentionPrivilege(Flavor flavor) {
    return flavor == Flavor.MARIADB ? "BINLOG ADMIN" : "SYSTEM_VARIABLES_ADMIN";
  }
}
