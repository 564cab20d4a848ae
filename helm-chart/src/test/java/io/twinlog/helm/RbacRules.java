package io.twinlog.helm;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * RBAC rules flattened to {@code group/resource:verb} grants ("" is the core group), so two sets of
 * rules compare as sets whatever their grouping into PolicyRules.
 */
record RbacRules(Set<String> grants) {

  /** The rules of every Role and ClusterRole the chart renders. */
  static RbacRules of(RenderedChart chart) {
    Stream<PolicyRule> rules =
        Stream.concat(
            chart.all(ClusterRole.class).stream().flatMap(r -> r.getRules().stream()),
            chart.all(Role.class).stream().flatMap(r -> r.getRules().stream()));
    return of(rules.toList());
  }

  static RbacRules of(List<PolicyRule> rules) {
    Set<String> grants = new TreeSet<>();
    for (PolicyRule rule : rules) {
      if (rule.getResourceNames() != null && !rule.getResourceNames().isEmpty()) {
        // Grants narrowed to named objects (Connect's secret access) are listed with the names.
        for (String group : rule.getApiGroups()) {
          for (String resource : rule.getResources()) {
            for (String verb : rule.getVerbs()) {
              grants.add(grant(group, resource, verb) + rule.getResourceNames());
            }
          }
        }
        continue;
      }
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            grants.add(grant(group, resource, verb));
          }
        }
      }
    }
    return new RbacRules(grants);
  }

  static String grant(String group, String resource, String verb) {
    return group + "/" + resource + ":" + verb;
  }

  /** {@code group/resource} pairs the rules mention. */
  Set<String> resources() {
    return grants.stream()
        .map(g -> g.substring(0, g.indexOf(':')))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  List<String> sorted() {
    return new ArrayList<>(grants);
  }
}
