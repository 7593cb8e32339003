package org.unettf.config;

/**
 * The optimisation: {@code steps} is resolved from {@code epochs} when the config gives epochs (one
 * epoch is one tile from every training slice).
 */
public record TrainConfig(
    int steps,
    int epochs,
    int batch,
    Optimizer optimizer,
    double learningRate,
    double momentum,
    long seed,
    int validateEvery,
    int summaryEvery,
    int imageSummaryEvery,
    int checkpointEvery,
    int keepCheckpoints,
    int loaderThreads,
    int prefetch,
    int shuffleBuffer) {

  public enum Optimizer {
    ADAM,
    MOMENTUM
  }

  /** Steps to run for a training set of {@code trainSlices} slices. */
  public int totalSteps(int trainSlices) {
    return steps > 0 ? steps : (int) Math.ceil((double) epochs * trainSlices / batch);
  }
}
