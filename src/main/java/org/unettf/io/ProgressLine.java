package org.unettf.io;

import java.io.PrintStream;

/**
 * One progress line, as training and prediction draw it: redrawn in place on a terminal, printed
 * as a line of its own in a log; messages in between go on lines of their own without garbling it.
 */
public final class ProgressLine {
  private static final int WIDTH = 24;

  private final PrintStream out;
  private final boolean terminal;
  private boolean drawn;

  public ProgressLine(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  public boolean terminal() {
    return terminal;
  }

  /** {@code [########................]}: the share {@code done/total} of a fixed width. */
  public static String bar(long done, long total) {
    int filled = (int) Math.min(WIDTH, Math.max(0, WIDTH * done / Math.max(1, total)));
    return "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "]";
  }

  /** 45s, 12m05s, 3h20m: a time left for people. */
  public static String duration(double seconds) {
    long s = Math.round(seconds);
    if (s >= 3600) {
      return String.format("%dh%02dm", s / 3600, (s % 3600) / 60);
    }
    if (s >= 60) {
      return String.format("%dm%02ds", s / 60, s % 60);
    }
    return s + "s";
  }

  public synchronized void draw(String line) {
    if (terminal) {
      out.print("\r" + line + "   ");
      drawn = true;
    } else {
      out.println(line);
    }
    out.flush();
  }

  /** Prints a message on its own line without garbling the progress line. */
  public synchronized void message(String text) {
    finish();
    out.println(text);
  }

  /** Ends the redrawn line. */
  public synchronized void finish() {
    if (drawn) {
      out.println();
      drawn = false;
    }
  }
}
