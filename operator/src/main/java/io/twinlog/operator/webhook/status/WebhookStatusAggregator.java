package io.twinlog.operator.webhook.status;

import io.twinlog.operator.api.v1alpha1.Condition;
import io.twinlog.operator.api.v1alpha1.SinkStatus;
import io.twinlog.operator.api.v1alpha1.webhook.ErpWebhook;
import io.twinlog.operator.api.v1alpha1.webhook.ErpWebhookStatus;
import io.twinlog.operator.status.StatusAggregator;
import io.twinlog.operator.webhook.desired.WebhookNames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An ErpWebhook's status as a pure function of what was observed: the Ready condition answers "are
 * webhooks received and delivered?", with the first broken part as its reason, in the order data
 * flows (receiver, dedup, sink), or {@link WebhookReason#SECRET_MISSING} when that part reads a
 * Secret that does not exist. The condition's {@code lastTransitionTime} moves only when its status
 * does. The sink's block (state, restarts, why it does not deliver) is the CdcPipeline's own, its
 * dead letters as the operator read them from the topic (also the DEADLETTERS column). The received
 * and delivered counters are carried over: nothing fills them yet.
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
    String missing = null;
    if (zero(seen.receiverReady())) {
      missing = missing(seen.missingReceiverSecrets(), "the receiver pods start");
      reason = missing == null ? WebhookReason.RECEIVER_UNAVAILABLE : WebhookReason.SECRET_MISSING;
    } else if (zero(seen.dedupReady())) {
      reason = WebhookReason.DEDUP_UNAVAILABLE;
    } else if (!"RUNNING".equals(seen.sinkState())) {
      missing = missing(seen.missingDeliverySecrets(), "the sink connector can start");
      reason = missing == null ? WebhookReason.SINK_NOT_RUNNING : WebhookReason.SECRET_MISSING;
    } else {
      reason = WebhookReason.DELIVERING;
    }
    if (missing != null) {
      parts = missing + " " + parts;
    }
    SinkStatus before = previous == null ? null : previous.getSink();
    SinkStatus sink =
        seen.sink() == null ? before : StatusAggregator.sinkStatus(seen.sink(), before);
    return status(webhook, reason, parts, sink, previous, now);
  }

  /**
   * The status after a reconciliation failed (an apply refused, the API server unreachable): Ready
   * is False with {@link WebhookReason#RECONCILE_FAILED} and the error, the rest as before.
   */
  public static ErpWebhookStatus failed(
      ErpWebhook webhook, String message, ErpWebhookStatus previous, Instant now) {
    return status(
        webhook,
        WebhookReason.RECONCILE_FAILED,
        message,
        previous == null ? null : previous.getSink(),
        previous,
        now);
  }

  private static ErpWebhookStatus status(
      ErpWebhook webhook,
      WebhookReason reason,
      String message,
      SinkStatus sink,
      ErpWebhookStatus previous,
      Instant now) {
    Condition ready =
        new Condition()
            .withType(READY)
            .withStatus(reason == WebhookReason.DELIVERING ? "True" : "False")
            .withReason(reason.value())
            .withMessage(message)
            .withObservedGeneration(webhook.getMetadata().getGeneration());
    Condition before = ready(previous);
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
    status.setSink(sink);
    if (previous != null) {
      status.setReceived(previous.getReceived());
      status.setDelivered(previous.getDelivered());
      status.setDeadLetters(previous.getDeadLetters());
    }
    if (sink != null && sink.getDeadLetters() != null && sink.getDeadLetters().getCount() != null) {
      status.setDeadLetters(sink.getDeadLetters().getCount());
    }
    return status;
  }

  /**
   * "The Secret x does not exist in the ErpWebhook's namespace: create it and ..." for a part that
   * is down because of it; null when nothing it reads is missing. A Secret deleted while its part
   * still runs is not reported: the part keeps what it read.
   */
  private static String missing(List<String> names, String then) {
    if (names.isEmpty()) {
      return null;
    }
    return (names.size() == 1
            ? "The Secret " + names.get(0) + " does not exist"
            : "The Secrets " + String.join(", ", names) + " do not exist")
        + " in the ErpWebhook's namespace: create "
        + (names.size() == 1 ? "it" : "them")
        + " and "
        + then
        + ".";
  }

  /** The Ready condition of a status, or null. */
  public static Condition ready(ErpWebhookStatus status) {
    return status == null ? null : find(status.getConditions());
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
