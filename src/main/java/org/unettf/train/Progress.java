package org.unettf.train;

import java.io.PrintStream;
import java.time.Duration;

/**
 * The training progress line: step, loss, images/s and time left. On a terminal it redraws one
 * line; in a log file it prints a line every {@code every} steps.
 */
public final class Progress implements TrainingListener {
  private final PrintStream out;
  private final boolean terminal;
  private final long total;
  private final int every;
  private final long start = System.nanoTime();
  private final long firstStep;
  private boolean drawn;
  private double emaLoss = Double.NaN;
  private double emaRate = Double.NaN;

  public Progress(PrintStream out, boolean terminal, long firstStep, long total, int every) {
    this.out = out;
    this.terminal = terminal;
    this.firstStep = firstStep;
    this.total = total;
    this.every = every;
  }

  /** Moving averages of loss and images/s, so that the line is readable rather than jittery. */
  @Override
  public void onStep(Step s) {
    emaLoss = Double.isNaN(emaLoss) ? s.loss() : 0.9 * emaLoss + 0.1 * s.loss();
    double rate = s.batch().size() / (s.seconds() + s.waitMs() / 1000);
    emaRate = Double.isNaN(emaRate) ? rate : 0.9 * emaRate + 0.1 * rate;
    update(s.step(), emaLoss, emaRate);
  }

  @Override
  public void onValidation(Validation v) {
    var r = v.result().report();
    message(String.format("step %d: validation loss %.4f, pixel accuracy %.4f, pixel error %.4f, V_rand %.4f and "
        + "V_info %.4f after thinning (%.4f, %.4f as is)%s", v.step(), r.loss(), r.accuracy(), r.pixelError(),
        r.vRandThinned(), r.vInfoThinned(), r.vRand(), r.vInfo(), v.best() ? " (best so far)" : ""));
  }

  @Override
  public void onEnd(long step, boolean completed) {
    finish();
  }

  public void update(long step, double loss, double imagesPerSecond) {
    if (!terminal && step % every != 0 && step != total) {
      return;
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    long done = step - firstStep;
    long left = total - step;
    String eta = done > 0 ? format(Duration.ofSeconds((long) (elapsed / done * left))) : "?";
    int width = 24;
    int filled = (int) (width * step / Math.max(1, total));
    String bar = "#".repeat(filled) + ".".repeat(width - filled);
    String line = String.format("step %d/%d [%s] loss %.4f  %.2f img/s  ETA %s", step, total, bar, loss,
        imagesPerSecond, eta);
    if (terminal) {
      out.print("\r" + line + "   ");
      drawn = true;
    } else {
      out.println(line);
    }
    out.flush();
  }

  /** Prints a message on its own line without garbling the progress line. */
  public void message(String text) {
    if (drawn) {
      out.println();
      drawn = false;
    }
    out.println(text);
  }

  public void finish() {
    if (drawn) {
      out.println();
      drawn = false;
    }
  }

  static String format(Duration d) {
    long s = d.getSeconds();
    if (s >= 3600) {
      return String.format("%dh%02dm", s / 3600, (s % 3600) / 60);
    }
    if (s >= 60) {
      return String.format("%dm%02ds", s / 60, s % 60);
    }
    return s + "s";
  }
}
