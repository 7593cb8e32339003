package org.unettf.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unettf.Isbi;
import org.unettf.TestData;
import org.unettf.config.RunConfig;
import org.unettf.data.Sample;
import org.unettf.data.TrainingSet;

/**
 * A step whose gradient comes out NaN (here: a NaN pixel in its batch) applies a zero gradient and
 * the run goes on, as it must where a CPU's bf16 kernels now and then return one.
 */
@Isbi
class NotFiniteStepTest {
  @TempDir
  Path dir;

  private static RunConfig config(String optimizer) {
    return TestData.withIsbi("model: {depth: 3, filters: 4}\ntile: {size: 124}\n"
        + "train: {steps: 24, batch: 2, " + optimizer + ", summary_every: 1, validate_every: 12, "
        + "checkpoint_every: 1, keep_checkpoints: 40, loader_threads: 3, shuffle_buffer: 8}\n");
  }

  /** Step 17's first sample with a NaN pixel; and a stop requested after it when {@code stop} is given. */
  private static Trainer.Fault nanAt17(StopRequest stop) {
    return (step, batch) -> {
      if (step != 17) {
        return batch;
      }
      if (stop != null) {
        stop.request("test");
      }
      Sample s = batch.get(0);
      float[] image = s.image().clone();
      image[0] = Float.NaN;
      List<Sample> poisoned = new ArrayList<>(batch);
      poisoned.set(0, new Sample(s.slice(), s.inputSize(), s.outputSize(), image, s.labels(), s.weights()));
      return poisoned;
    };
  }

  /** Momentum SGD without momentum: a zero gradient moves no weight, so step 17 leaves them bit for bit. */
  @Test
  void aStepWhoseGradientIsNaNChangesNoWeightAndTheRunGoesOn() throws Exception {
    RunConfig config = config("optimizer: momentum, learning_rate: 0.05, momentum: 0");
    TrainingSet data = TrainingSet.load(config, s -> { });
    RunDirectory run = RunDirectory.create(dir.resolve("run"), false, r -> { });
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    StopRequest stop = new StopRequest();
    Trainer.Outcome stopped = new Trainer(config, data, run, new PrintStream(printed, true), false, stop,
        nanAt17(stop)).train(Optional.empty());

    assertEquals(Trainer.Status.INTERRUPTED, stopped.status());
    assertEquals(17, stopped.step());
    // The NaN pixel lies outside every output pixel's field of view: the loss stays finite, the gradient does not.
    assertTrue(Pattern.compile("step 17: the loss is [0-9.]+ and the gradient norm NaN; the step applied a zero "
        + "gradient\n").matcher(printed.toString()).find(), printed.toString());
    Map<String, float[]> before = weights(config, data, run.checkpoints().resolve("step-0000016"));
    Map<String, float[]> after = weights(config, data, stopped.lastCheckpoint());
    for (String name : before.keySet()) {
      assertArrayEquals(before.get(name), after.get(name), name);
    }

    Trainer.Outcome done = new Trainer(config, data, run, new PrintStream(new ByteArrayOutputStream()), false,
        new StopRequest()).train(Optional.of(stopped.lastCheckpoint()));
    assertEquals(24, done.step());
    Map<String, float[]> last = weights(config, data, done.lastCheckpoint());
    assertFalse(last.keySet().stream().allMatch(name -> Arrays.equals(last.get(name), after.get(name))),
        "training went on");
    List<double[]> loss = EventFiles.scalars(EventFiles.read(run.trainLogs()), "loss");
    assertEquals(23, loss.size(), "every step's loss but step 17's");
    assertTrue(loss.stream().noneMatch(l -> l[0] == 17 || !Double.isFinite(l[1])));
  }

  /** With Adam the NaN would reach every weight through the moments; the zero gradient keeps them finite. */
  @Test
  void adamsWeightsStayFinite() throws Exception {
    RunConfig config = config("optimizer: adam, learning_rate: 0.002");
    TrainingSet data = TrainingSet.load(config, s -> { });
    RunDirectory run = RunDirectory.create(dir.resolve("adam"), false, r -> { });
    Trainer.Outcome done = new Trainer(config, data, run, new PrintStream(new ByteArrayOutputStream()), false,
        new StopRequest(), nanAt17(null)).train(Optional.empty());

    assertEquals(24, done.step());
    for (Map.Entry<String, float[]> w : weights(config, data, done.lastCheckpoint()).entrySet()) {
      for (float v : w.getValue()) {
        assertTrue(Float.isFinite(v), w.getKey());
      }
    }
    assertTrue(Double.isFinite(done.lastReport().vRand()));
  }

  private static Map<String, float[]> weights(RunConfig config, TrainingSet data, Path checkpoint) {
    try (TrainingGraph graph = new TrainingGraph(config, data.normalization())) {
      graph.restore(Checkpoints.prefix(checkpoint));
      return graph.variableValues();
    }
  }
}
