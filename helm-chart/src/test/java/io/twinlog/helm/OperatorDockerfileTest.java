package io.twinlog.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.contracts.OperatorEnv;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * operator/Dockerfile runs the operator's real main class, as a numeric non-root user, on JRE 21+.
 */
class OperatorDockerfileTest {
  private static final Path DOCKERFILE = Path.of("..", "operator", "Dockerfile");
  private final List<String> lines = read();

  @Test
  void entrypointIsAClassWithAMainMethod() throws Exception {
    Matcher m =
        Pattern.compile("^ENTRYPOINT \\[.*\"([a-zA-Z0-9_.]+)\"]$").matcher(last("ENTRYPOINT"));
    assertThat(m.matches()).as(last("ENTRYPOINT")).isTrue();

    Method main = Class.forName(m.group(1)).getMethod("main", String[].class);
    assertThat(Modifier.isStatic(main.getModifiers())).isTrue();
  }

  @Test
  void runsAsANumericNonRootUserTheChartAlsoUses() {
    String user = last("USER").substring("USER ".length()).split(":")[0];
    assertThat(user).matches("[1-9][0-9]*");

    Long chartUser =
        RenderedChart.defaults()
            .operatorDeployment()
            .getSpec()
            .getTemplate()
            .getSpec()
            .getSecurityContext()
            .getRunAsUser();
    assertThat(chartUser).isEqualTo(Long.parseLong(user));
  }

  @Test
  void runtimeStageIsAJre21OrNewerAndExposesTheHttpPort() {
    String from = last("FROM");
    Matcher version = Pattern.compile("java(\\d+)|temurin:(\\d+)").matcher(from);
    assertThat(version.find()).as(from).isTrue();
    int major = Integer.parseInt(version.group(1) != null ? version.group(1) : version.group(2));
    assertThat(major).isGreaterThanOrEqualTo(21);
    assertThat(last("EXPOSE")).isEqualTo("EXPOSE " + OperatorEnv.DEFAULT_HTTP_PORT);
  }

  private String last(String instruction) {
    return lines.stream()
        .filter(l -> l.startsWith(instruction + " "))
        .reduce((a, b) -> b)
        .orElseThrow();
  }

  private static List<String> read() {
    try {
      return Files.readAllLines(DOCKERFILE);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
