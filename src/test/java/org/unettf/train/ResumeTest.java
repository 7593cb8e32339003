package org.unettf.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unettf.Isbi;
import org.unettf.TestData;
import org.unettf.config.RunConfig;
import org.unettf.data.TrainingSet;

/** N steps, a checkpoint, and N resumed steps give what 2N straight steps give. */
@Isbi
class ResumeTest {
  @TempDir
  static Path dir;
  private static RunConfig full;
  private static TrainingSet data;
  private static RunDirectory straightRun;
  private static Trainer.Outcome straight;

  /** What every test here compares with: 24 steps straight. */
  @BeforeAll
  static void trainStraight() {
    full = config(24);
    data = TrainingSet.load(full, s -> { });
    straightRun = RunDirectory.create(dir.resolve("straight"), false, r -> { });
    straight = train(full, data, straightRun, Optional.empty());
  }

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
    RunDirectory split = RunDirectory.create(dir.resolve("split"), false, r -> { });
    Trainer.Outcome half = train(config(12), data, split, Optional.empty());
    assertEquals(12, half.step());
    Trainer.Outcome resumed = train(full, data, split, Optional.of(half.lastCheckpoint()));

    assertSameRun(resumed, split);
    assertEquals(24, EventFiles.scalars(EventFiles.read(split.trainLogs()), "loss").size(), "no step written twice");
  }

  /**
   * A crash after the last checkpoint, then a resume from it: steps 13-16 are taken twice, and
   * TensorBoard, reading the restart marker, shows them once.
   */
  @Test
  void aResumeAfterACrashShowsTheStepsTakenAgainOnce() throws Exception {
    RunDirectory run = RunDirectory.create(dir.resolve("crashed"), false, r -> { });
    Trainer.Fault crash = (step, batch) -> {
      if (step == 17) {
        throw new IllegalStateException("crash before step 17");
      }
      return batch;
    };
    assertThrows(IllegalStateException.class, () -> new Trainer(full, data, run,
        new PrintStream(new ByteArrayOutputStream()), false, new StopRequest(), crash).train(Optional.empty()));
    Path last = new Checkpoints(run.checkpoints(), 3).latest().orElseThrow();
    assertEquals(12, Checkpoints.state(last).step());
    Trainer.Outcome resumed = train(full, data, run, Optional.of(last));

    assertSameRun(resumed, run);
    assertEquals(24 + 4, EventFiles.scalars(EventFiles.read(run.trainLogs()), "loss").size(),
        "steps 13-16 written twice");
  }

  /** The run ends at the straight run's step and weights, and TensorBoard shows the straight run's loss curve. */
  private static void assertSameRun(Trainer.Outcome outcome, RunDirectory run) throws Exception {
    assertEquals(24, outcome.step());
    List<double[]> expected = EventFiles.scalars(EventFiles.read(straightRun.trainLogs()), "loss");
    List<double[]> shown = EventFiles.scalars(EventFiles.shown(EventFiles.read(run.trainLogs())), "loss");
    assertEquals(24, expected.size());
    assertEquals(24, shown.size());
    for (int i = 0; i < 24; i++) {
      assertEquals(expected.get(i)[0], shown.get(i)[0]);
      assertEquals(expected.get(i)[1], shown.get(i)[1], 1e-5, "loss at step " + expected.get(i)[0]);
    }
    Map<String, float[]> weightsA = weights(straight.lastCheckpoint());
    Map<String, float[]> weightsB = weights(outcome.lastCheckpoint());
    assertEquals(weightsA.keySet(), weightsB.keySet());
    for (String name : weightsA.keySet()) {
      assertArrayEquals(weightsA.get(name), weightsB.get(name), 1e-5f, name);
    }
    assertEquals(straight.lastReport().vRand(), outcome.lastReport().vRand(), 1e-5);
  }

  private static Map<String, float[]> weights(Path checkpoint) {
    try (TrainingGraph graph = new TrainingGraph(full, data.normalization())) {
      graph.restore(Checkpoints.prefix(checkpoint));
      return graph.variableValues();
    }
  }
}
