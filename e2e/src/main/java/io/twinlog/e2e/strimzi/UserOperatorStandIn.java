package io.twinlog.e2e.strimzi;

import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleClusterResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleType;
import io.strimzi.api.kafka.model.user.acl.StrimziAclOperation;
import io.twinlog.testkit.EmbeddedKafka;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * TEST CODE standing in for Strimzi's User Operator, for one {@code KafkaUser} with {@code
 * authentication: scram-sha-512} and {@code authorization: simple}: it creates the SCRAM
 * credentials and exactly the ACLs of the spec for the principal {@code User:<name>}, as the User
 * Operator does (one ACL binding per rule and operation, {@code prefix} as Kafka's {@code
 * PREFIXED}, the cluster resource as {@code kafka-cluster}). Nothing else is granted.
 */
public final class UserOperatorStandIn {
  private UserOperatorStandIn() {}

  /** Creates the user's credentials and ACLs; returns the ACL bindings made. */
  public static List<AclBinding> apply(EmbeddedKafka kafka, KafkaUser user, String password) {
    String name = user.getMetadata().getName();
    kafka.addScramUser(name, password);
    List<AclBinding> bindings = bindings(user);
    try {
      kafka.admin().createAcls(bindings).all().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not create the ACLs of " + name, e.getCause());
    }
    return bindings;
  }

  /** The Kafka ACL bindings of a KafkaUser's simple authorization. */
  public static List<AclBinding> bindings(KafkaUser user) {
    String principal = "User:" + user.getMetadata().getName();
    List<AclBinding> bindings = new ArrayList<>();
    for (AclRule rule :
        ((KafkaUserAuthorizationSimple) user.getSpec().getAuthorization()).getAcls()) {
      ResourcePattern pattern = pattern(rule);
      for (StrimziAclOperation operation : rule.getOperations()) {
        bindings.add(
            new AclBinding(
                pattern,
                new AccessControlEntry(
                    principal,
                    rule.getHost() == null ? "*" : rule.getHost(),
                    operation(operation),
                    rule.getType() == AclRuleType.DENY
                        ? AclPermissionType.DENY
                        : AclPermissionType.ALLOW)));
      }
    }
    return bindings;
  }

  private static ResourcePattern pattern(AclRule rule) {
    return switch (rule.getResource()) {
      case AclRuleTopicResource t ->
          new ResourcePattern(ResourceType.TOPIC, t.getName(), patternType(t.getPatternType()));
      case AclRuleGroupResource g ->
          new ResourcePattern(ResourceType.GROUP, g.getName(), patternType(g.getPatternType()));
      case AclRuleTransactionalIdResource x ->
          new ResourcePattern(
              ResourceType.TRANSACTIONAL_ID, x.getName(), patternType(x.getPatternType()));
      case AclRuleClusterResource c ->
          new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL);
      default -> throw new IllegalArgumentException("unknown ACL resource " + rule.getResource());
    };
  }

  private static PatternType patternType(AclResourcePatternType type) {
    return type == AclResourcePatternType.PREFIX ? PatternType.PREFIXED : PatternType.LITERAL;
  }

  private static AclOperation operation(StrimziAclOperation operation) {
    return switch (operation) {
      case DESCRIBECONFIGS -> AclOperation.DESCRIBE_CONFIGS;
      case ALTERCONFIGS -> AclOperation.ALTER_CONFIGS;
      case IDEMPOTENTWRITE -> AclOperation.IDEMPOTENT_WRITE;
      case CLUSTERACTION -> AclOperation.CLUSTER_ACTION;
      default -> AclOperation.valueOf(operation.name());
    };
  }
}
