package io.twinlog.operator.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A CRD's {@code x-kubernetes-validations}, evaluated with Google's CEL implementation (the API
 * server's semantics for these standard functions): on a create, every rule but the transition
 * ones; on an update, the transition rules with the old value as {@code oldSelf}. No API server
 * runs, so no schema default is applied.
 */
public final class CelRules {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final CelCompiler COMPILER =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("self", SimpleType.DYN)
          .addVar("oldSelf", SimpleType.DYN)
          .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  /** A rule at a schema path; {@code []} steps into every list element. */
  public record Rule(String path, String expression, String message) {

    /** A transition rule: the API server evaluates it on updates only, with the old value. */
    public boolean transition() {
      return expression.contains("oldSelf");
    }
  }

  private final List<Rule> rules;
  private final Map<Rule, CelRuntime.Program> programs = new LinkedHashMap<>();

  private CelRules(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** The rules of a CRD's first version. */
  public static CelRules of(CustomResourceDefinition crd) {
    List<Rule> rules = new ArrayList<>();
    collect("", crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema(), rules);
    return new CelRules(rules);
  }

  public List<Rule> rules() {
    return rules;
  }

  /** A rule compiled, once. */
  public synchronized CelRuntime.Program program(Rule rule) throws Exception {
    CelRuntime.Program program = programs.get(rule);
    if (program == null) {
      program = compile(rule.expression());
      programs.put(rule, program);
    }
    return program;
  }

  /** Any CEL expression over {@code self} (and {@code oldSelf}), compiled. */
  public static CelRuntime.Program compile(String expression) throws Exception {
    return RUNTIME.createProgram(COMPILER.compile(expression).getAst());
  }

  /** The messages of the rules the (modified) resource breaks when it is created. */
  public List<String> failures(String yaml, Consumer<Map<String, Object>> modify) throws Exception {
    Map<String, Object> resource = parse(yaml);
    modify.accept(resource);
    List<String> failed = new ArrayList<>();
    for (Rule rule : rules) {
      if (rule.transition()) {
        continue; // a create has no old value
      }
      for (Object self : select(resource, rule.path())) {
        Object result = program(rule).eval(Map.of("self", longs(self)));
        if (!Boolean.TRUE.equals(result)) {
          failed.add(rule.path() + ": " + rule.message());
        }
      }
    }
    return failed;
  }

  /**
   * The messages of the transition rules an update from the resource to its modified copy breaks.
   * Only rules on objects and scalars are paired (by path); one on list items would pair by key.
   */
  public List<String> updateFailures(String yaml, Consumer<Map<String, Object>> modify)
      throws Exception {
    Map<String, Object> old = parse(yaml);
    Map<String, Object> updated = parse(yaml);
    modify.accept(updated);
    List<String> failed = new ArrayList<>();
    for (Rule rule : rules) {
      if (!rule.transition()) {
        continue;
      }
      if (rule.path().contains("[]")) {
        throw new IllegalStateException("transition rules on list items pair by key: " + rule);
      }
      List<Object> before = select(old, rule.path());
      List<Object> after = select(updated, rule.path());
      if (before.size() == 1 && after.size() == 1) {
        Object result =
            program(rule)
                .eval(Map.of("self", longs(after.get(0)), "oldSelf", longs(before.get(0))));
        if (!Boolean.TRUE.equals(result)) {
          failed.add(rule.path() + ": " + rule.message());
        }
      }
    }
    return failed;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parse(String yaml) throws Exception {
    return (Map<String, Object>) longs(YAML.readValue(yaml, Map.class));
  }

  private static void collect(String path, JSONSchemaProps props, List<Rule> rules) {
    if (props.getXKubernetesValidations() != null) {
      props
          .getXKubernetesValidations()
          .forEach(
              r ->
                  rules.add(
                      new Rule(
                          path.isEmpty() ? "" : path.substring(1), r.getRule(), r.getMessage())));
    }
    if (props.getProperties() != null) {
      props.getProperties().forEach((name, child) -> collect(path + "." + name, child, rules));
    }
    if (props.getItems() != null && props.getItems().getSchema() != null) {
      collect(path + "[]", props.getItems().getSchema(), rules);
    }
  }

  /** The values at a path such as {@code spec.source.replicas}; absent parts select nothing. */
  private static List<Object> select(Object root, String path) {
    if (path.isEmpty()) {
      return List.of(root);
    }
    List<Object> current = List.of(root);
    for (String step : path.split("\\.")) {
      boolean each = step.endsWith("[]");
      String key = each ? step.substring(0, step.length() - 2) : step;
      List<Object> next = new ArrayList<>();
      for (Object node : current) {
        if (node instanceof Map<?, ?> map && map.get(key) != null) {
          Object value = map.get(key);
          if (each && value instanceof List<?> list) {
            next.addAll(list);
          } else if (!each) {
            next.add(value);
          }
        }
      }
      current = next;
    }
    return current;
  }

  /** CEL integers are 64-bit: YAML's Integers become Longs. */
  private static Object longs(Object value) {
    if (value instanceof Integer i) {
      return i.longValue();
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put((String) k, longs(v)));
      return copy;
    }
    if (value instanceof List<?> list) {
      return new ArrayList<>(list.stream().map(CelRules::longs).toList());
    }
    return value;
  }
}
