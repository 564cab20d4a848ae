package io.twinlog.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.provider.ConfigProvider;

/**
 * Stands in for Strimzi's KubernetesSecretConfigProvider: {@code ${secrets:ns/name:key}} reads the
 * file {@code <root>/ns/name/key}, so connector configs written for Strimzi work unchanged here.
 *
 * <p>Configured with {@code config.providers.secrets.param.root=<dir>}.
 */
public final class DirectorySecretsConfigProvider implements ConfigProvider {

  /** The provider parameter naming the directory that holds {@code ns/name/key} files. */
  public static final String ROOT_CONFIG = "root";

  private Path root;

  @Override
  public void configure(Map<String, ?> configs) {
    Object value = configs.get(ROOT_CONFIG);
    if (value == null) {
      throw new ConfigException(ROOT_CONFIG, null, "the secrets root directory is required");
    }
    root = Path.of(value.toString()).toAbsolutePath().normalize();
  }

  @Override
  public ConfigData get(String path) {
    Path dir = resolve(path);
    Map<String, String> data = new HashMap<>();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.list(dir)) {
        files
            .filter(Files::isRegularFile)
            .forEach(f -> data.put(f.getFileName().toString(), read(f)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new ConfigData(data);
  }

  @Override
  public ConfigData get(String path, Set<String> keys) {
    Path dir = resolve(path);
    Map<String, String> data = new HashMap<>();
    for (String key : keys) {
      Path file = dir.resolve(key).normalize();
      if (file.startsWith(dir) && Files.isRegularFile(file)) {
        data.put(key, read(file));
      }
    }
    return new ConfigData(data);
  }

  private Path resolve(String path) {
    Path dir = root.resolve(path == null ? "" : path).normalize();
    // A reference like ${secrets:../../etc:passwd} must not escape the root.
    if (!dir.startsWith(root)) {
      throw new ConfigException("secret path outside the secrets root: " + path);
    }
    return dir;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {}
}
