package org.unettf.train;

import java.util.List;
import org.unettf.data.Sample;

/**
 * A concern of a training run that watches it without steering it, as DJL's training listeners:
 * TensorBoard's summaries, the history and its curves, the progress line. The loop itself keeps
 * what decides the run: steps, validation, the best score, checkpoints and divergence.
 */
interface TrainingListener {
  /** Training begins at {@code step} (0, or where a checkpoint left off), {@code first} the first batch. */
  default void onStart(TrainingGraph graph, long step, List<Sample> first) {}

  default void onStep(Step step) {}

  default void onValidation(Validation validation) {}

  /** Training ends, done or interrupted at {@code step}: flush what is buffered. */
  default void onEnd(long step, boolean completed) {}

  /**
   * One optimisation step, numbered from 1.
   *
   * @param probabilities the batch's predictions, fetched only on image-summary steps, else null
   * @param seconds the step's time in the graph
   * @param waitMs the time spent waiting for the input pipeline before it
   */
  record Step(long step, List<Sample> batch, float loss, float gradientNorm, float[] probabilities, double seconds,
      double waitMs) {}

  /** A validation after {@code step}, and whether its score is the best so far. */
  record Validation(long step, Validator.Result result, boolean best, TrainingGraph graph) {}
}
