package io.twinlog.e2e;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.twinlog.e2e.stack.E2eStack;
import io.twinlog.e2e.workload.Workload;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.ReplicaSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The playground's pipeline: {@code samples/03-pipeline-minimal.yaml} (with {@code --source
 * postgresql}: {@code samples/07-pipeline-postgresql.yaml}) as a user would apply it, with only
 * what must differ on one machine changed: the namespace, the broker address, the replicas' host
 * and port, the ERP's URL, and the workload's {@code markers} table added to the include list (the
 * playground uses it to see that every source streams).
 */
final class PlaygroundPipeline {
  static final String NAMESPACE = "shop";
  static final String SAMPLE = "samples/03-pipeline-minimal.yaml";
  static final String POSTGRES_SAMPLE = "samples/07-pipeline-postgresql.yaml";

  private PlaygroundPipeline() {}

  /** The sample file for the source type. */
  static String sampleFile(boolean postgres) {
    return postgres ? POSTGRES_SAMPLE : SAMPLE;
  }

  /** The sample, read from the working tree ({@code ./dev} runs from the repository root). */
  static CdcPipeline sample(boolean postgres) {
    String sample = sampleFile(postgres);
    Path file = Path.of(sample);
    if (!Files.exists(file)) {
      file = Path.of("..").resolve(sample);
    }
    try {
      return new KubernetesSerialization().unmarshal(Files.readString(file), CdcPipeline.class);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read " + sample + " (run from the repository root)", e);
    }
  }

  /** The schema (PostgreSQL) of the sample's first table. */
  static String schema(CdcPipeline sample) {
    String table = sample.getSpec().getSource().getInclude().getTables().get(0);
    return table.substring(0, table.indexOf('.'));
  }

  /** The database the sample captures (its first include database). */
  static String database(CdcPipeline sample) {
    return sample.getSpec().getSource().getInclude().getDatabases().get(0);
  }

  /**
   * The sample with local addresses. {@code servers} are the local servers in the order of the
   * sample's replicas (MariaDB: the replicas; PostgreSQL: the primary, then the standbys).
   */
  static CdcPipeline adapt(
      CdcPipeline sample, E2eStack stack, Workload workload, List<HostPort> servers) {
    sample.getMetadata().setNamespace(NAMESPACE);
    sample.getSpec().getKafka().setBootstrapServers(stack.kafka().bootstrapServers());
    List<ReplicaSpec> replicas = sample.getSpec().getSource().getReplicas();
    for (int i = 0; i < replicas.size(); i++) {
      replicas.get(i).setHost(servers.get(i).host());
      replicas.get(i).setPort(servers.get(i).port());
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

  /** Where a local server listens. */
  record HostPort(String host, int port) {}
}
