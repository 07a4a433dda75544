package dev.identitylog.protocol;

/** How the broker answered a sent message. */
public interface MessageProducerResult extends ClientResponse {
  /** What the broker did with the message. */
  enum Status {
    /** Acknowledged: the message is stored. */
    ACKNOWLEDGED,
    /** Refused by the broker (invalid, too large, ...): {@code upstream_error}. */
    REFUSED,
    /** No acknowledgement in time: {@code timeout}. */
    TIMED_OUT,
    /** The broker refused this producer's identity or ACLs: {@code upstream_forbidden}. */
    NOT_AUTHORIZED,
    /**
     * The broker did not accept this producer's credentials (SASL): {@code
     * upstream_unauthenticated}.
     *
     * @since 0.1
     */
    UNAUTHENTICATED,
    /**
     * The broker could not take the message now and retries ran out (no leader, not enough
     * replicas, ...): {@code upstream_unavailable}.
     *
     * @since 0.1
     */
    UNAVAILABLE,
    /** Failed otherwise; {@link #error()} says how (a connection failure, ...). */
    FAILED
  }

  Status status();

  /** {@code messaging.destination.partition.id}, once the broker placed it. */
  default String partitionId() {
    return null;
  }

  /** {@code messaging.kafka.offset}, or -1. */
  default long offset() {
    return -1;
  }

  static MessageProducerResult acknowledged(String partitionId, long offset) {
    return new MessageProducerResult() {
      @Override
      public Status status() {
        return Status.ACKNOWLEDGED;
      }

      @Override
      public String partitionId() {
        return partitionId;
      }

      @Override
      public long offset() {
        return offset;
      }
    };
  }

  static MessageProducerResult failed(Status status, Throwable error) {
    return new MessageProducerResult() {
      @Override
      public Status status() {
        return status;
      }

      @Override
      public Throwable error() {
        return error;
      }
    };
  }
}
