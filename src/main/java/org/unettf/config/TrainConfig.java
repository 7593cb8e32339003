package org.unettf.config;

import java.util.List;

/**
 * The optimisation: {@code steps} is resolved from {@code epochs} when the config gives epochs (one
 * epoch is one tile from every training slice). The learning rate is multiplied by
 * {@code lrDecayFactor} at each of {@code lrDecaySteps}. With {@code emaDecay} above 0, validation,
 * checkpoints and exports take an exponential moving average of the weights instead of the last
 * step's (see {@link #emaDecayAt}).
 */
public record TrainConfig(
    int steps,
    int epochs,
    int batch,
    LossKind loss,
    Optimizer optimizer,
    double learningRate,
    double momentum,
    List<Integer> lrDecaySteps,
    double lrDecayFactor,
    long seed,
    int validateEvery,
    int summaryEvery,
    int imageSummaryEvery,
    int checkpointEvery,
    int keepCheckpoints,
    int loaderThreads,
    int prefetch,
    int shuffleBuffer,
    double emaDecay) {

  /**
   * The paper's weighted cross-entropy; soft Dice (1 − mean over classes of
   * {@code 2Σpg / (Σp + Σg)}, unweighted); or their sum.
   */
  public enum LossKind {
    CROSS_ENTROPY,
    DICE,
    CROSS_ENTROPY_DICE;

    public boolean crossEntropy() {
      return this != DICE;
    }

    public boolean dice() {
      return this != CROSS_ENTROPY;
    }
  }

  public enum Optimizer {
    ADAM,
    MOMENTUM
  }

  /** The learning rate in force at {@code step} (0-based). */
  public double learningRateAt(long step) {
    double rate = learningRate;
    for (int boundary : lrDecaySteps) {
      if (step >= boundary) {
        rate *= lrDecayFactor;
      }
    }
    return rate;
  }

  /** Whether the weights are averaged. */
  public boolean averaged() {
    return emaDecay > 0;
  }

  /**
   * The average's decay after {@code step} steps (1-based): {@code min(emaDecay, (1 + step) / (10 +
   * step))}, TensorFlow's {@code ExponentialMovingAverage} with {@code num_updates}, so the first
   * steps' weights, far from any optimum, are soon forgotten rather than kept for thousands of steps.
   */
  public double emaDecayAt(long step) {
    return Math.min(emaDecay, (1.0 + step) / (10.0 + step));
  }

  /** Steps to run for a training set of {@code trainSlices} slices. */
  public int totalSteps(int trainSlices) {
    return steps > 0 ? steps : (int) Math.ceil((double) epochs * trainSlices / batch);
  }
}
