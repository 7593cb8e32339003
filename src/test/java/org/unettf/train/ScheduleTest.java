package org.unettf.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.unettf.Isbi;
import org.unettf.TestData;
import org.unettf.config.RunConfig;
import org.unettf.data.Augmenter;
import org.unettf.data.Sample;
import org.unettf.data.TrainingSet;

/** A decay step scales momentum SGD's update by the factor from that step on, and not before. */
@Isbi
class ScheduleTest {
  private static RunConfig config(String schedule) {
    return TestData.tinyConfig("train: {steps: 10, batch: 1, optimizer: momentum, learning_rate: 0.05, momentum: 0.9"
        + schedule + "}\n");
  }

  @Test
  void theUpdateShrinksByTheFactorAtTheDecayStep() {
    RunConfig constant = config("");
    RunConfig decayed = config(", lr_decay_steps: [2], lr_decay_factor: 0.25");
    TrainingSet data = TrainingSet.load(constant, s -> { });
    Augmenter augmenter = new Augmenter(constant.augment(), constant.tile().size(), constant.outputTile());
    List<Sample> batch = List.of(augmenter.sample(data.train().get(3), new SplittableRandom(7)));
    try (TrainingGraph a = new TrainingGraph(constant, data.normalization());
        TrainingGraph b = new TrainingGraph(decayed, data.normalization())) {
      for (int step = 0; step < 2; step++) {
        assertEquals(a.step(batch, 1, step, false).loss(), b.step(batch, 1, step, false).loss(), 1e-6);
      }
      Map<String, float[]> before = a.variableValues();
      assertWeightsEqual(before, b.variableValues(), 1e-6f);
      a.step(batch, 1, 2, false);
      b.step(batch, 1, 2, false);
      Map<String, float[]> afterA = a.variableValues();
      Map<String, float[]> afterB = b.variableValues();
      double full = 0;
      double decayedNorm = 0;
      double mismatch = 0;
      for (String name : before.keySet()) {
        for (int i = 0; i < before.get(name).length; i++) {
          double da = afterA.get(name)[i] - before.get(name)[i];
          double db = afterB.get(name)[i] - before.get(name)[i];
          full += da * da;
          decayedNorm += db * db;
          mismatch += (db - 0.25 * da) * (db - 0.25 * da);
        }
      }
      assertEquals(0.25, Math.sqrt(decayedNorm / full), 1e-3, "the decayed update's size against the full one");
      assertEquals(0, Math.sqrt(mismatch / full), 1e-3, "the decayed update points where the full one does");
    }
  }

  private static void assertWeightsEqual(Map<String, float[]> a, Map<String, float[]> b, float tolerance) {
    for (String name : a.keySet()) {
      assertArrayEquals(a.get(name), b.get(name), tolerance, name);
    }
  }
}
