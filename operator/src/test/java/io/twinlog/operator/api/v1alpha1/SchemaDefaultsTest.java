package io.twinlog.operator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.generator.annotation.Default;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The getters return the schema's defaults when a field is absent (the mock API server applies no
 * schema defaults), so each {@code @Default} must equal what the getter returns for an empty
 * object.
 */
class SchemaDefaultsTest {

  private static final List<Class<?>> SPEC_CLASSES =
      List.of(
          CdcPipelineSpec.class,
          KafkaSpec.class,
          SourceSpec.class,
          IncludeSpec.class,
          CredentialsSpec.class,
          ReplicaSpec.class,
          SnapshotSpec.class,
          BinlogRetentionSpec.class,
          DedupSpec.class,
          SinkSpec.class,
          ErpSinkSpec.class,
          ErpAuthSpec.class,
          RetrySpec.class,
          BatchSpec.class,
          RestartPolicySpec.class);

  @Test
  void gettersReturnTheSchemaDefaults() throws Exception {
    List<String> checked = new ArrayList<>();
    for (Class<?> type : SPEC_CLASSES) {
      Object empty = type.getDeclaredConstructor().newInstance();
      for (Field field : type.getDeclaredFields()) {
        Default annotation = field.getAnnotation(Default.class);
        if (annotation == null) {
          continue;
        }
        Method getter = type.getMethod("get" + capitalize(field.getName()));
        Object value = getter.invoke(empty);
        assertThat(value).as("%s.%s", type.getSimpleName(), field.getName()).isNotNull();
        if (!annotation.value().equals("{}")) {
          assertThat(asYaml(value))
              .as("%s.%s", type.getSimpleName(), field.getName())
              .isEqualTo(annotation.value());
        }
        checked.add(type.getSimpleName() + "." + field.getName());
      }
    }
    assertThat(checked).hasSizeGreaterThan(25);
  }

  private static String asYaml(Object value) throws NoSuchFieldException {
    if (value instanceof Enum<?> e) {
      return e.getDeclaringClass().getField(e.name()).getAnnotation(JsonProperty.class).value();
    }
    return String.valueOf(value);
  }

  private static String capitalize(String name) {
    return Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }
}
