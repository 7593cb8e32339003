package org.unettf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.unettf.Isbi;
import org.unettf.TestData;
import org.unettf.config.RunConfig;
import org.unettf.data.Augmenter;
import org.unettf.data.Sample;
import org.unettf.data.TrainingSet;

/**
 * The loss a training step reports is the one the config names, computed from the very
 * probabilities the step's graph produced: the paper's weighted cross-entropy (eq. 1), soft
 * Dice, or their sum, over the whole batch and across towers.
 */
@Isbi
class TrainingLossTest {
  @ParameterizedTest
  @ValueSource(strings = {"cross_entropy", "dice", "cross_entropy_dice"})
  void theStepsLossIsTheConfiguredOneOfItsOwnProbabilities(String loss) {
    for (int replicas : new int[] {1, 2}) {
      RunConfig config = TestData.tinyConfig("train: {steps: 2, batch: 2, loss: " + loss + "}\n"
          + "runtime: {replicas: " + replicas + ", device: cpu}\n");
      TrainingSet data = TrainingSet.load(config, s -> { });
      Augmenter augmenter = new Augmenter(config.augment(), config.tile().size(), config.outputTile());
      List<Sample> batch = List.of(augmenter.sample(data.train().get(3), new SplittableRandom(1)),
          augmenter.sample(data.train().get(9), new SplittableRandom(2)));
      try (TrainingGraph graph = new TrainingGraph(config, data.normalization())) {
        TrainingGraph.StepResult step = graph.step(batch, 7, 0, true);
        double expected = expected(loss, batch, step.probabilities(), config.model().classes());
        assertEquals(expected, step.loss(), 1e-4 * Math.max(1, Math.abs(expected)), loss + ", " + replicas + " tower(s)");
      }
    }
  }

  private static double expected(String loss, List<Sample> batch, float[] probabilities, int classes) {
    double weighted = 0;
    double weights = 0;
    double[] intersection = new double[classes];
    double[] sizes = new double[classes];
    int pixel = 0;
    for (Sample s : batch) {
      for (int i = 0; i < s.labels().length; i++, pixel++) {
        int truth = s.labels()[i];
        weighted += s.weights()[i] * -Math.log(Math.max(probabilities[pixel * classes + truth], 1e-30));
        weights += s.weights()[i];
        for (int c = 0; c < classes; c++) {
          double p = probabilities[pixel * classes + c];
          intersection[c] += c == truth ? p : 0;
          sizes[c] += p + (c == truth ? 1 : 0);
        }
      }
    }
    double crossEntropy = weighted / weights;
    double dice = 0;
    for (int c = 0; c < classes; c++) {
      dice += (2 * intersection[c] + 1) / (sizes[c] + 1);
    }
    dice = 1 - dice / classes;
    return switch (loss) {
      case "cross_entropy" -> crossEntropy;
      case "dice" -> dice;
      default -> crossEntropy + dice;
    };
  }
}
