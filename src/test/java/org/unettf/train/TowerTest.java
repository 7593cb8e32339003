package org.unettf.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.unettf.Isbi;
import org.unettf.TestData;
import org.unettf.config.RunConfig;
import org.unettf.data.Augmenter;
import org.unettf.data.Sample;
import org.unettf.data.TrainingSet;
import org.unettf.model.Sessions;

/** In-graph data parallelism: two towers of batch 1 make the update one tower of batch 2 makes. */
@Isbi
class TowerTest {
  private static RunConfig config(int replicas, String loss) {
    return TestData.tinyConfig("train: {batch: 2, loss: " + loss + ", optimizer: momentum, learning_rate: 0.05, "
        + "momentum: 0.9}\nruntime: {replicas: " + replicas + "}\n");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"cross_entropy", "dice", "cross_entropy_dice"})
  void twoTowersOfOneEqualOneTowerOfTwo(String loss) {
    RunConfig single = config(1, loss);
    RunConfig towers = config(2, loss);
    TrainingSet data = TrainingSet.load(single, s -> { });
    Augmenter augmenter = new Augmenter(single.augment(), single.tile().size(), single.outputTile());
    List<List<Sample>> batches = List.of(
        List.of(augmenter.sample(data.train().get(0), new SplittableRandom(1)),
            augmenter.sample(data.train().get(5), new SplittableRandom(2))),
        List.of(augmenter.sample(data.train().get(9), new SplittableRandom(3)),
            augmenter.sample(data.train().get(14), new SplittableRandom(4))));
    try (TrainingGraph one = new TrainingGraph(single, data.normalization());
        TrainingGraph two = new TrainingGraph(towers, data.normalization())) {
      Map<String, Integer> placement = two.placement(batches.get(0), 1);
      assertTrue(placement.keySet().stream().anyMatch(d -> d.endsWith("CPU:1")), "a tower on the second CPU: " + placement);
      for (int step = 0; step < 3; step++) {
        List<Sample> batch = batches.get(step % 2);
        float a = one.step(batch, 1, step, false).loss();
        float b = two.step(batch, 1, step, false).loss();
        assertEquals(a, b, 1e-5, "loss at step " + step);
      }
      Map<String, float[]> wa = one.variableValues();
      Map<String, float[]> wb = two.variableValues();
      for (String name : wa.keySet()) {
        assertArrayEquals(wa.get(name), wb.get(name), 1e-5f, name);
      }
    }
    assertEquals(2, Sessions.towers(towers.runtime()).size());
  }
}
