package org.unettf.train;

import java.util.concurrent.atomic.AtomicReference;

/**
 * A request to stop training at the next step boundary, set from a signal handler: the loop then
 * writes a checkpoint and flushes its logs before the process exits.
 */
public final class StopRequest {
  private final AtomicReference<String> signal = new AtomicReference<>();

  public void request(String signalName) {
    signal.compareAndSet(null, signalName);
  }

  public boolean requested() {
    return signal.get() != null;
  }

  public String signal() {
    return signal.get();
  }
}
