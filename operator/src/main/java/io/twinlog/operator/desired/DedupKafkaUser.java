package io.twinlog.operator.desired;

import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthentication;
import io.strimzi.api.kafka.model.user.KafkaUserBuilder;
import io.strimzi.api.kafka.model.user.KafkaUserScramSha512ClientAuthentication;
import io.strimzi.api.kafka.model.user.KafkaUserTlsClientAuthentication;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleBuilder;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResourceBuilder;
import io.strimzi.api.kafka.model.user.acl.AclRuleResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResourceBuilder;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResourceBuilder;
import io.strimzi.api.kafka.model.user.acl.AclRuleType;
import io.strimzi.api.kafka.model.user.acl.StrimziAclOperation;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.KafkaAuthType;
import io.twinlog.operator.api.v1alpha1.KafkaAuthenticationSpec;
import io.twinlog.operator.api.v1alpha1.ReplicaSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The Strimzi {@code KafkaUser} the dedup runtime authenticates as when the cluster uses
 * authentication ({@code spec.kafka.authentication.leastPrivilege}, on by default): exactly the
 * ACLs a Kafka Streams application with exactly-once needs for this pipeline, and nothing more.
 * Strimzi's User Operator creates the user, its credentials Secret (named after it) and the ACLs.
 */
public final class DedupKafkaUser {
  private DedupKafkaUser() {}

  /** Whether the pipeline's dedup runtime gets a KafkaUser of its own. */
  public static boolean wanted(CdcPipeline pipeline) {
    KafkaAuthenticationSpec auth = pipeline.getSpec().getKafka().getAuthentication();
    return auth != null && auth.leastPrivilegeOn();
  }

  /** The KafkaUser, or null when {@link #wanted} is false. */
  public static KafkaUser of(CdcPipeline pipeline) {
    if (!wanted(pipeline)) {
      return null;
    }
    KafkaAuthType type = pipeline.getSpec().getKafka().getAuthentication().getType();
    KafkaUserAuthentication authentication =
        type == KafkaAuthType.TLS
            ? new KafkaUserTlsClientAuthentication()
            : new KafkaUserScramSha512ClientAuthentication();
    return new KafkaUserBuilder()
        .withMetadata(
            Ownership.metadata(
                pipeline, ResourceNames.dedupKafkaUser(pipeline), Labels.kafkaUser(pipeline)))
        .withNewSpec()
        .withAuthentication(authentication)
        .withNewKafkaUserAuthorizationSimple()
        .withAcls(acls(pipeline))
        .endKafkaUserAuthorizationSimple()
        .endSpec()
        .build();
  }

  /**
   * What the dedup runtime does on Kafka: reads every replica's table and heartbeat topics, writes
   * the output, dead-letter and anomaly topics, joins its consumer group, writes in transactions
   * under its application id, and owns its internal (changelog) topics.
   */
  static List<AclRule> acls(CdcPipeline pipeline) {
    List<AclRule> acls = new ArrayList<>();
    for (ReplicaSpec replica : pipeline.getSpec().getSource().getReplicas()) {
      String prefix = ResourceNames.sourceTopicPrefix(pipeline, replica.getName());
      acls.add(topic(prefix + ".", AclResourcePatternType.PREFIX, READ_DESCRIBE));
      acls.add(
          topic(
              ResourceNames.heartbeatTopic(prefix), AclResourcePatternType.LITERAL, READ_DESCRIBE));
    }
    acls.add(
        topic(
            ResourceNames.outputTopicPrefix(pipeline) + ".",
            AclResourcePatternType.PREFIX,
            WRITE_DESCRIBE));
    acls.add(
        topic(
            ResourceNames.dedupDeadLetterTopic(pipeline),
            AclResourcePatternType.LITERAL,
            WRITE_DESCRIBE));
    acls.add(
        topic(
            ResourceNames.dedupAnomalyTopic(pipeline),
            AclResourcePatternType.LITERAL,
            WRITE_DESCRIBE));
    String applicationId = ResourceNames.dedupApplicationId(pipeline);
    // Kafka Streams' changelog topics: <application.id>-<store>-changelog
    acls.add(
        topic(
            applicationId + "-",
            AclResourcePatternType.PREFIX,
            List.of(
                StrimziAclOperation.CREATE,
                StrimziAclOperation.READ,
                StrimziAclOperation.WRITE,
                StrimziAclOperation.DESCRIBE,
                StrimziAclOperation.DESCRIBECONFIGS)));
    acls.add(
        rule(
            new AclRuleGroupResourceBuilder()
                .withName(applicationId)
                .withPatternType(AclResourcePatternType.LITERAL)
                .build(),
            List.of(StrimziAclOperation.READ)));
    // exactly-once v2: <application.id>-<process id>-<thread>
    acls.add(
        rule(
            new AclRuleTransactionalIdResourceBuilder()
                .withName(applicationId)
                .withPatternType(AclResourcePatternType.PREFIX)
                .build(),
            WRITE_DESCRIBE));
    return acls;
  }

  private static final List<StrimziAclOperation> READ_DESCRIBE =
      List.of(StrimziAclOperation.READ, StrimziAclOperation.DESCRIBE);
  private static final List<StrimziAclOperation> WRITE_DESCRIBE =
      List.of(StrimziAclOperation.WRITE, StrimziAclOperation.DESCRIBE);

  private static AclRule topic(
      String name, AclResourcePatternType pattern, List<StrimziAclOperation> operations) {
    return rule(
        new AclRuleTopicResourceBuilder().withName(name).withPatternType(pattern).build(),
        operations);
  }

  private static AclRule rule(AclRuleResource resource, List<StrimziAclOperation> operations) {
    return new AclRuleBuilder()
        .withType(AclRuleType.ALLOW)
        .withResource(resource)
        .withHost("*")
        .withOperations(operations)
        .build();
  }
}
