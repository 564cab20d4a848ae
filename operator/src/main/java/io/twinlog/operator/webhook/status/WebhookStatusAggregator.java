package io.twinlog.operator.webhook.status;

import io.twinlog.operator.api.v1alpha1.Condition;
import io.twinlog.operator.api.v1alpha1.webhook.ErpWebhook;
import io.twinlog.operator.api.v1alpha1.webhook.ErpWebhookStatus;
import io.twinlog.operator.webhook.desired.WebhookNames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An ErpWebhook's status as a pure function of what was observed: the Ready condition answers "are
 * webhooks received and delivered?", with the first broken part as its reason, in the order data
 * flows (receiver, dedup, sink). The condition's {@code lastTransitionTime} moves only when its
 * status does. Counters (received, delivered, dead letters) are carried over: they come from
 * metrics, which this function does not read.
 */
public final class WebhookStatusAggregator {
  private WebhookStatusAggregator() {}

  /** Type of the one condition. */
  public static final String READY = "Ready";

  public static ErpWebhookStatus aggregate(
      ErpWebhook webhook, WebhookObservation seen, ErpWebhookStatus previous, Instant now) {
    String parts =
        count(seen.receiverReady(), seen.receiverDesired())
            + " receivers, "
            + count(seen.dedupReady(), seen.dedupDesired())
            + " dedup, sink "
            + (seen.sinkState() == null ? "unknown" : seen.sinkState());
    WebhookReason reason;
    if (zero(seen.receiverReady())) {
      reason = WebhookReason.RECEIVER_UNAVAILABLE;
    } else if (zero(seen.dedupReady())) {
      reason = WebhookReason.DEDUP_UNAVAILABLE;
    } else if (!"RUNNING".equals(seen.sinkState())) {
      reason = WebhookReason.SINK_NOT_RUNNING;
    } else {
      reason = WebhookReason.DELIVERING;
    }
    Condition ready =
        new Condition()
            .withType(READY)
            .withStatus(reason == WebhookReason.DELIVERING ? "True" : "False")
            .withReason(reason.value())
            .withMessage(parts)
            .withObservedGeneration(webhook.getMetadata().getGeneration());
    Condition before = previous == null ? null : find(previous.getConditions());
    ready.setLastTransitionTime(
        before != null
                && ready.getStatus().equals(before.getStatus())
                && before.getLastTransitionTime() != null
            ? before.getLastTransitionTime()
            : now.toString());

    ErpWebhookStatus status = new ErpWebhookStatus();
    status.setObservedGeneration(webhook.getMetadata().getGeneration());
    status.setConditions(new ArrayList<>(List.of(ready)));
    status.setEndpoint(WebhookNames.endpoint(webhook));
    if (previous != null) {
      status.setReceived(previous.getReceived());
      status.setDelivered(previous.getDelivered());
      status.setDeadLetters(previous.getDeadLetters());
    }
    return status;
  }

  private static boolean zero(Integer ready) {
    return ready == null || ready == 0;
  }

  private static String count(Integer ready, int desired) {
    return (ready == null ? 0 : ready) + "/" + desired;
  }

  private static Condition find(List<Condition> conditions) {
    if (conditions == null) {
      return null;
    }
    return conditions.stream().filter(c -> READY.equals(c.getType())).findFirst().orElse(null);
  }
}
