package io.twinlog.webhook.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.webhook.dedup.DedupStepConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The module README documents every key the code reads, so the two cannot drift apart. */
class ReadmeListsEveryKeyTest {
  @Test
  void everyKeyIsInTheReadme() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    for (String key : ReceiverConfig.CONFIG_DEF.names()) {
      assertThat(readme).as(key).contains("| `" + key + "` |");
    }
    for (String key : DedupStepConfig.CONFIG_DEF.names()) {
      assertThat(readme).as(key).contains("| `" + key + "` |");
    }
  }
}
