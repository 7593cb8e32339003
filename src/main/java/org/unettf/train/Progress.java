package org.unettf.train;

import java.io.PrintStream;
import org.unettf.io.ProgressLine;

/**
 * The training progress line: step, loss, images/s and time left. On a terminal it redraws one
 * line; in a log file it prints a line every {@code every} steps.
 */
public final class Progress implements TrainingListener {
  private final ProgressLine line;
  private final long total;
  private final int every;
  private final long start = System.nanoTime();
  private final long firstStep;
  private double emaLoss = Double.NaN;
  private double emaRate = Double.NaN;

  public Progress(PrintStream out, boolean terminal, long firstStep, long total, int every) {
    this.line = new ProgressLine(out, terminal);
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
    if (!line.terminal() && step % every != 0 && step != total) {
      return;
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    long done = step - firstStep;
    long left = total - step;
    String eta = done > 0 ? ProgressLine.duration(elapsed / done * left) : "?";
    line.draw(String.format("step %d/%d %s loss %.4f  %.2f img/s  ETA %s", step, total, ProgressLine.bar(step, total),
        loss, imagesPerSecond, eta));
  }

  /** Prints a message on its own line without garbling the progress line. */
  public void message(String text) {
    line.message(text);
  }

  public void finish() {
    line.finish();
  }
}
