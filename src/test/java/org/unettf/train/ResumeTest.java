package org.unettf.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unettf.Isbi;
import org.unettf.TestData;
import org.unettf.config.RunConfig;
import org.unettf.data.Sample;
import org.unettf.data.TrainingSet;

/** N steps, a checkpoint, and N resumed steps give what 2N straight steps give. */
@Isbi
class ResumeTest {
  @TempDir
  Path dir;

  private static RunConfig config(int steps) {
    return TestData.withIsbi("model: {depth: 3, filters: 4, dropout: 0.3}\ntile: {size: 124}\n"
        + "train: {steps: " + steps + ", batch: 2, optimizer: adam, learning_rate: 0.002, summary_every: 1, "
        + "validate_every: 12, checkpoint_every: 12, loader_threads: 3, shuffle_buffer: 8}\n");
  }

  private static Trainer.Outcome train(RunConfig config, TrainingSet data, RunDirectory run, Optional<Path> resume) {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    return new Trainer(config, data, run, quiet, false, new StopRequest()).train(resume);
  }

  @Test
  void resumingGivesTheSameLossCurveAndWeights() throws Exception {
    RunConfig full = config(24);
    TrainingSet data = TrainingSet.load(full, s -> { });
    RunDirectory straight = RunDirectory.create(dir.resolve("straight"), false, r -> { });
    Trainer.Outcome a = train(full, data, straight, Optional.empty());

    RunDirectory split = RunDirectory.create(dir.resolve("split"), false, r -> { });
    Trainer.Outcome half = train(config(12), data, split, Optional.empty());
    assertEquals(12, half.step());
    Trainer.Outcome b = train(full, data, split, Optional.of(half.lastCheckpoint()));
    assertEquals(24, b.step());

    List<double[]> lossA = EventFiles.scalars(EventFiles.read(straight.trainLogs()), "loss");
    List<double[]> lossB = EventFiles.scalars(EventFiles.read(split.trainLogs()), "loss");
    assertEquals(24, lossA.size());
    assertEquals(24, lossB.size());
    for (int i = 0; i < 24; i++) {
      assertEquals(lossA.get(i)[0], lossB.get(i)[0]);
      assertEquals(lossA.get(i)[1], lossB.get(i)[1], 1e-5, "loss at step " + lossA.get(i)[0]);
    }
    Map<String, float[]> weightsA = weights(full, data, a.lastCheckpoint());
    Map<String, float[]> weightsB = weights(full, data, b.lastCheckpoint());
    assertEquals(weightsA.keySet(), weightsB.keySet());
    for (String name : weightsA.keySet()) {
      assertArrayEquals(weightsA.get(name), weightsB.get(name), 1e-5f, name);
    }
    assertEquals(a.lastReport().vRand(), b.lastReport().vRand(), 1e-5);
  }

  /**
   * A step that comes out NaN once (a NaN pixel in its batch, the first time only) is taken again
   * from the last checkpoint: the run ends with the weights of a run without the fault, and
   * TensorBoard shows each step's loss once.
   */
  @Test
  void aStepThatFailsOnceIsTakenAgainFromTheLastCheckpoint() throws Exception {
    RunConfig full = config(24);
    TrainingSet data = TrainingSet.load(full, s -> { });
    RunDirectory cleanRun = RunDirectory.create(dir.resolve("clean"), false, r -> { });
    Trainer.Outcome clean = train(full, data, cleanRun, Optional.empty());

    RunDirectory run = RunDirectory.create(dir.resolve("faulty"), false, r -> { });
    AtomicInteger faults = new AtomicInteger();
    Trainer.Fault once = (step, batch) -> {
      if (step != 17 || faults.getAndIncrement() > 0) {
        return batch;
      }
      Sample s = batch.get(0);
      float[] image = s.image().clone();
      image[0] = Float.NaN;
      List<Sample> poisoned = new ArrayList<>(batch);
      poisoned.set(0, new Sample(s.slice(), s.inputSize(), s.outputSize(), image, s.labels(), s.weights()));
      return poisoned;
    };
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Trainer.Outcome retried = new Trainer(full, data, run, new PrintStream(printed, true), false, new StopRequest(),
        once).train(Optional.empty());

    assertEquals(24, retried.step());
    assertEquals(2, faults.get(), "step 17 was taken twice");
    Path twelve = run.checkpoints().resolve("step-0000012");
    // The NaN pixel lies outside every output pixel's field of view: the loss stays finite, the gradient does not.
    assertTrue(Pattern.compile("step 17: the loss is [0-9.]+ and the gradient norm NaN; taking the steps again from "
        + Pattern.quote(twelve.toString()) + "\n").matcher(printed.toString()).find(), printed.toString());
    Map<String, float[]> expected = weights(full, data, clean.lastCheckpoint());
    Map<String, float[]> got = weights(full, data, retried.lastCheckpoint());
    for (String name : expected.keySet()) {
      assertArrayEquals(expected.get(name), got.get(name), 1e-5f, name);
    }
    List<double[]> written = EventFiles.scalars(EventFiles.read(run.trainLogs()), "loss");
    List<double[]> shown = EventFiles.scalars(EventFiles.shown(EventFiles.read(run.trainLogs())), "loss");
    List<double[]> cleanLoss = EventFiles.scalars(EventFiles.read(cleanRun.trainLogs()), "loss");
    assertEquals(24 + 4, written.size(), "steps 13-16 written twice");
    assertEquals(24, shown.size());
    for (int i = 0; i < 24; i++) {
      assertEquals(cleanLoss.get(i)[0], shown.get(i)[0]);
      assertEquals(cleanLoss.get(i)[1], shown.get(i)[1], 1e-5, "loss at step " + shown.get(i)[0]);
    }
  }

  private static Map<String, float[]> weights(RunConfig config, TrainingSet data, Path checkpoint) {
    try (TrainingGraph graph = new TrainingGraph(config, data.normalization())) {
      graph.restore(Checkpoints.prefix(checkpoint));
      return graph.variableValues();
    }
  }
}
