package io.twinlog.operator.source;

import io.twinlog.operator.source.SlotDropResult.Outcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Drops a pipeline's logical replication slot on one PostgreSQL server, when the pipeline or the
 * replica is removed: a slot nothing reads keeps every WAL segment from its position on and fills
 * the server's disk.
 *
 * <p>A slot lives on the server that created it, so a standby's slot is dropped on that standby
 * (the request's host), never through the primary. A slot in use is left alone: its connector has
 * not stopped yet, and terminating its WAL sender would only make Kafka Connect restart the task;
 * the caller retries. {@link #drop} blocks for at most the request's timeouts and never throws.
 */
public final class ReplicationSlots {

  /** {@code 42704} undefined_object: no slot of that name. */
  private static final String UNDEFINED_OBJECT = "42704";

  /** {@code 55006} object_in_use: a WAL sender holds the slot. */
  private static final String OBJECT_IN_USE = "55006";

  /** Drops {@code request.slotName()} on the request's server, in the request's database. */
  public SlotDropResult drop(PostgresCheckRequest request) {
    Connection connection;
    try {
      // A logical slot can only be dropped from the database it was created in.
      connection = PostgresProbe.connect(request);
    } catch (SQLException | RuntimeException e) {
      return failed(request, e, true);
    }
    try (connection;
        PreparedStatement ps = connection.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
      ps.setString(1, request.slotName());
      ps.execute();
      return result(
          request,
          Outcome.DROPPED,
          null,
          "dropped replication slot " + request.slotName() + " on " + request.replicaName());
    } catch (SQLException e) {
      if (UNDEFINED_OBJECT.equals(e.getSQLState())) {
        return result(
            request,
            Outcome.ALREADY_GONE,
            null,
            request.replicaName() + " has no replication slot " + request.slotName() + " (gone)");
      }
      if (OBJECT_IN_USE.equals(e.getSQLState())) {
        return result(
            request,
            Outcome.STILL_ACTIVE,
            null,
            "replication slot "
                + request.slotName()
                + " on "
                + request.replicaName()
                + " is still in use ("
                + FailureFindings.detail(e)
                + "): its connector has not stopped yet; retried later");
      }
      return failed(request, e, false);
    } catch (RuntimeException e) {
      return failed(request, e, false);
    }
  }

  private static SlotDropResult failed(
      PostgresCheckRequest request, Throwable e, boolean connecting) {
    FindingReason reason = FailureFindings.classify(e);
    return result(
        request,
        connecting ? Outcome.NOT_CONNECTED : Outcome.FAILED,
        reason,
        "could not drop replication slot "
            + request.slotName()
            + " on "
            + request.replicaName()
            + ": "
            + FailureFindings.message(request, reason, FailureFindings.detail(e))
            + "; retried later");
  }

  private static SlotDropResult result(
      PostgresCheckRequest request, Outcome outcome, FindingReason failure, String message) {
    return new SlotDropResult(request.replicaName(), request.slotName(), outcome, failure, message);
  }
}
