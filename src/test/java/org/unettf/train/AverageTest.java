package org.unettf.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unettf.Isbi;
import org.unettf.TestData;
import org.unettf.config.ConfigLoader;
import org.unettf.config.RunConfig;
import org.unettf.data.Augmenter;
import org.unettf.data.OverlapTile;
import org.unettf.data.Sample;
import org.unettf.data.TrainingSet;
import org.unettf.error.UserError;
import org.unettf.metrics.Evaluation;

/**
 * train.ema_decay: checkpoints hold the moving average of the steps' weights under the network's
 * names (so every model made from them is the average), training resumes from the last step's
 * weights, and validation scores the average.
 */
@Isbi
class AverageTest {
  @TempDir
  Path dir;

  private static RunConfig config(double decay) {
    return TestData.tinyConfig("train: {steps: 8, batch: 1, optimizer: adam, learning_rate: 0.01, "
        + "validate_every: 8, checkpoint_every: 8, ema_decay: " + decay + "}\n");
  }

  @Test
  void checkpointsHoldTheAverageAndResumeFromTheLastWeights() {
    RunConfig averaged = config(0.5);
    TrainingSet data = TrainingSet.load(averaged, s -> { });
    Augmenter augmenter = new Augmenter(averaged.augment(), averaged.tile().size(), averaged.outputTile());
    String prefix = dir.resolve("ckpt").toString();
    Map<String, float[]> expected;
    Map<String, float[]> last;
    float[] tiles = augmenter.sample(data.train().get(2), new SplittableRandom(9)).image();
    int size = averaged.tile().size();
    try (TrainingGraph graph = new TrainingGraph(averaged, data.normalization())) {
      Map<String, double[]> average = doubles(graph.variableValues());
      // 8 steps: the decay rises from 2/11 and reaches its cap 0.5 at step 8.
      for (int step = 0; step < 8; step++) {
        Sample s = augmenter.sample(data.train().get(step), new SplittableRandom(step));
        graph.step(List.of(s), 1, step, false);
        double d = averaged.train().emaDecayAt(step + 1);
        Map<String, float[]> weights = graph.variableValues();
        for (var e : average.entrySet()) {
          float[] w = weights.get(e.getKey());
          double[] a = e.getValue();
          for (int i = 0; i < a.length; i++) {
            a[i] = d * a[i] + (1 - d) * w[i];
          }
        }
      }
      assertEquals(0.5, averaged.train().emaDecayAt(8));
      assertTrue(averaged.train().emaDecayAt(7) < 0.5);
      expected = floats(average);
      last = graph.variableValues();
      graph.save(prefix);
      assertEqual(last, graph.variableValues(), "the network's weights after a save");
      assertEqual(expected, graph.withAverage(graph::variableValues), "the average in the network");
      assertEqual(last, graph.variableValues(), "the network's weights after validation");
    }
    assertDiffer(expected, last);

    try (TrainingGraph plain = new TrainingGraph(config(0), data.normalization());
        TrainingGraph resumed = new TrainingGraph(averaged, data.normalization())) {
      plain.restore(prefix);
      assertEqual(expected, plain.variableValues(), "a plain graph's weights from the checkpoint");
      resumed.restore(prefix);
      assertEqual(last, resumed.variableValues(), "resumed weights");
      assertEqual(expected, resumed.withAverage(resumed::variableValues), "resumed average");
      float[] fromPlain = plain.predict(tiles, 1, size);
      float[] fromAverage = resumed.withAverage(() -> resumed.predict(tiles, 1, size));
      assertArrayEquals(fromPlain, fromAverage, 1e-5f);
      assertFalse(Arrays.equals(fromPlain, resumed.predict(tiles, 1, size)), "the last weights predict otherwise");
    }
  }

  @Test
  void validationScoresTheModelTheCheckpointHolds() throws Exception {
    RunConfig averaged = config(0.9);
    TrainingSet data = TrainingSet.load(averaged, s -> { });
    RunDirectory run = RunDirectory.create(dir.resolve("run"), false, r -> { });
    Trainer.Outcome outcome = new Trainer(averaged, data, run, new PrintStream(new ByteArrayOutputStream()), false,
        new StopRequest()).train(Optional.empty());
    Validator validator = new Validator(data.validation(), averaged.model(), OverlapTile.Plan.onePass());
    try (TrainingGraph plain = new TrainingGraph(config(0), data.normalization(),
        averaged.weights().calibration(data.classWeights()))) {
      plain.restore(Checkpoints.prefix(outcome.lastCheckpoint()));
      Evaluation.Report fromCheckpoint = validator.validate(plain).report();
      assertEquals(fromCheckpoint.pixelError(), outcome.lastReport().pixelError(), 1e-9);
      assertEquals(fromCheckpoint.vRandThinned(), outcome.lastReport().vRandThinned(), 1e-9);
      assertEquals(fromCheckpoint.vInfo(), outcome.lastReport().vInfo(), 1e-9);
    }
  }

  @Test
  void theDecayIsCheckedAtLoad() {
    String data = "data: {images: a.tif, labels: b.tif}\n";
    assertFalse(ConfigLoader.parse(data, "c.yaml").train().averaged());
    assertEquals(0.999, ConfigLoader.parse(data + "train: {ema_decay: 0.999}\n", "c.yaml").train().emaDecay());
    for (String bad : List.of("1", "-0.1", "1.5")) {
      UserError e = assertThrows(UserError.class,
          () -> ConfigLoader.parse(data + "train: {ema_decay: " + bad + "}\n", "c.yaml"));
      assertTrue(e.getMessage().contains("train.ema_decay: expected a number from 0 up to (not including) 1, found " + bad),
          e.getMessage());
    }
  }

  private static Map<String, double[]> doubles(Map<String, float[]> values) {
    Map<String, double[]> out = new LinkedHashMap<>();
    values.forEach((k, v) -> {
      double[] d = new double[v.length];
      for (int i = 0; i < v.length; i++) {
        d[i] = v[i];
      }
      out.put(k, d);
    });
    return out;
  }

  private static Map<String, float[]> floats(Map<String, double[]> values) {
    Map<String, float[]> out = new LinkedHashMap<>();
    values.forEach((k, v) -> {
      float[] f = new float[v.length];
      for (int i = 0; i < v.length; i++) {
        f[i] = (float) v[i];
      }
      out.put(k, f);
    });
    return out;
  }

  private static void assertEqual(Map<String, float[]> expected, Map<String, float[]> actual, String what) {
    assertEquals(expected.keySet(), actual.keySet(), what);
    for (String name : expected.keySet()) {
      assertArrayEquals(expected.get(name), actual.get(name), 1e-5f, what + ": " + name);
    }
  }

  private static void assertDiffer(Map<String, float[]> a, Map<String, float[]> b) {
    assertTrue(a.keySet().stream().anyMatch(k -> !Arrays.equals(a.get(k), b.get(k))),
        "the average differs from the last weights");
  }
}
