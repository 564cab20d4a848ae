package io.twinlog.e2e;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.twinlog.e2e.stack.E2eStack;
import io.twinlog.e2e.workload.Workload;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.ReplicaSpec;
import io.twinlog.testkit.MariaDbServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The playground's pipeline: {@code samples/03-pipeline-minimal.yaml} as a user would apply it,
 * with only what must differ on one machine changed: the namespace, the broker address, the
 * replicas' host and port, the ERP's URL, and the workload's {@code markers} table added to the
 * include list (the playground uses it to see that both sources stream).
 */
final class PlaygroundPipeline {
  static final String NAMESPACE = "shop";
  static final String SAMPLE = "samples/03-pipeline-minimal.yaml";

  private PlaygroundPipeline() {}

  /** The sample, read from the working tree ({@code ./dev} runs from the repository root). */
  static CdcPipeline sample() {
    Path file = Path.of(SAMPLE);
    if (!Files.exists(file)) {
      file = Path.of("..").resolve(SAMPLE);
    }
    try {
      return new KubernetesSerialization().unmarshal(Files.readString(file), CdcPipeline.class);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read " + SAMPLE + " (run from the repository root)", e);
    }
  }

  /** The database the sample captures (its first include database). */
  static String database(CdcPipeline sample) {
    return sample.getSpec().getSource().getInclude().getDatabases().get(0);
  }

  static CdcPipeline adapt(CdcPipeline sample, E2eStack stack, Workload workload) {
    sample.getMetadata().setNamespace(NAMESPACE);
    sample.getSpec().getKafka().setBootstrapServers(stack.kafka().bootstrapServers());
    List<ReplicaSpec> replicas = sample.getSpec().getSource().getReplicas();
    for (int i = 0; i < replicas.size(); i++) {
      MariaDbServer server = stack.mariadb().replica(i);
      replicas.get(i).setHost(server.host());
      replicas.get(i).setPort(server.port());
    }
    List<String> tables = new ArrayList<>(sample.getSpec().getSource().getInclude().getTables());
    for (String table : workload.qualifiedTables()) {
      if (!tables.contains(table)) {
        tables.add(table);
      }
    }
    sample.getSpec().getSource().getInclude().setTables(tables);
    sample.getSpec().getSink().getErp().setUrl(stack.erp().url().toString());
    return sample;
  }
}
