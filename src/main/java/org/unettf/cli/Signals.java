package org.unettf.cli;

import org.unettf.train.StopRequest;
import sun.misc.Signal;

/**
 * Turns the first SIGINT or SIGTERM into a {@link StopRequest}, so training checkpoints before it
 * exits; a second one ends the process at once.
 */
final class Signals {
  private Signals() {}

  static void onInterrupt(StopRequest stop) {
    for (String name : new String[] {"INT", "TERM"}) {
      try {
        Signal.handle(new Signal(name), signal -> {
          if (stop.requested()) {
            Runtime.getRuntime().halt(128 + signal.getNumber());
          }
          stop.request("SIG" + signal.getName());
          System.err.println();
          System.err.println("SIG" + signal.getName() + ": finishing this step and writing a checkpoint "
              + "(press Ctrl-C again to quit at once)");
        });
      } catch (IllegalArgumentException e) {
        // The JVM reserves this signal here (e.g. -Xrs); the default handling stays.
      }
    }
  }
}
