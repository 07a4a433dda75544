package dev.identitylog.protocol;

/** How processing a message ended: {@link #error()} is what the listener threw, or null. */
public interface MessageConsumerResult {
  default Throwable error() {
    return null;
  }

  static MessageConsumerResult processed() {
    return new MessageConsumerResult() {};
  }

  static MessageConsumerResult failed(Throwable error) {
    return new MessageConsumerResult() {
      @Override
      public Throwable error() {
        return error;
      }
    };
  }
}
