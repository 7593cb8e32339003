package org.unettf.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Event;
import org.unettf.Isbi;
import org.unettf.TestData;
import org.unettf.config.RunConfig;
import org.unettf.data.OverlapTile;
import org.unettf.data.Slice;
import org.unettf.data.TrainingSet;
import org.unettf.infer.Exporter;
import org.unettf.infer.ModelCard;
import org.unettf.infer.SavedModelPredictor;
import org.unettf.metrics.Evaluation;

/** A short real training on ISBI crops with a tiny network, and what it leaves behind. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Isbi
class TrainingTest {
  Path dir;
  RunConfig config;
  TrainingSet data;
  RunDirectory run;
  Trainer.Outcome outcome;
  Evaluation.Report untrained;

  @BeforeAll
  void train(@TempDir Path tmp) {
    dir = tmp;
    config = TestData.tinyConfig("train: {steps: 80, batch: 2, optimizer: adam, learning_rate: 0.003, "
        + "validate_every: 40, summary_every: 10, image_summary_every: 40, checkpoint_every: 40, loader_threads: 2}\n");
    data = TrainingSet.load(config, s -> { });
    try (TrainingGraph fresh = new TrainingGraph(config, data.normalization())) {
      untrained = new Validator(data.validation(), config.model(), OverlapTile.Plan.onePass()).validate(fresh).report();
    }
    run = RunDirectory.create(dir.resolve("run"), false, r -> { });
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    outcome = new Trainer(config, data, run, quiet, false, new StopRequest()).train(Optional.empty());
  }

  @Test
  void trainingLowersTheLossAndBeatsAnUntrainedNetwork() throws Exception {
    assertEquals(Trainer.Status.COMPLETED, outcome.status());
    assertEquals(80, outcome.step());
    List<double[]> loss = EventFiles.scalars(EventFiles.read(run.trainLogs()), "loss");
    assertEquals(8, loss.size());
    assertTrue(loss.get(loss.size() - 1)[1] < loss.get(0)[1], "loss from " + loss.get(0)[1] + " to " + loss.get(loss.size() - 1)[1]);
    assertTrue(outcome.lastReport().accuracy() > untrained.accuracy() + 0.05,
        "validation pixel accuracy " + outcome.lastReport().accuracy() + " vs untrained " + untrained.accuracy());
    assertTrue(outcome.lastReport().loss() < untrained.loss());
  }

  @Test
  void tensorBoardGetsScalarsImagesAndTheGraph() throws Exception {
    List<Event> train = EventFiles.read(run.trainLogs());
    List<String> trainTags = EventFiles.tags(train);
    for (String tag : List.of("loss", "learning_rate", "images_per_second", "data_wait_ms", "gradient_norm")) {
      assertTrue(trainTags.contains(tag), tag + " in " + trainTags);
    }
    assertTrue(trainTags.stream().anyMatch(t -> t.startsWith("sample/input")), trainTags.toString());
    assertTrue(trainTags.stream().anyMatch(t -> t.startsWith("sample/weights")), trainTags.toString());
    assertTrue(train.stream().anyMatch(Event::hasGraphDef));
    List<Event> validation = EventFiles.read(run.validationLogs());
    List<double[]> vRand = EventFiles.scalars(validation, "v_rand");
    assertEquals(List.of(40.0, 80.0), vRand.stream().map(r -> r[0]).toList());
    assertEquals(outcome.lastReport().vRand(), vRand.get(1)[1], 1e-6);
    List<double[]> thinned = EventFiles.scalars(validation, "v_rand_thinned");
    assertEquals(outcome.lastReport().vRandThinned(), thinned.get(1)[1], 1e-6);
    assertEquals(outcome.lastReport().vInfoThinned(), EventFiles.scalars(validation, "v_info_thinned").get(1)[1], 1e-6);
    List<String> validationTags = EventFiles.tags(validation);
    for (String tag : List.of("loss", "pixel_accuracy", "v_info", "pixel_error", "iou/class_1")) {
      assertTrue(validationTags.contains(tag), tag + " in " + validationTags);
    }
    assertTrue(validationTags.stream().anyMatch(t -> t.startsWith("probability")), validationTags.toString());
  }

  @Test
  void checkpointsHistoryAndCurvesAreWritten() throws Exception {
    Checkpoints checkpoints = new Checkpoints(run.checkpoints(), 3);
    assertEquals(List.of("step-0000040", "step-0000080"),
        checkpoints.all().stream().map(p -> p.getFileName().toString()).toList());
    assertEquals(80, Checkpoints.state(checkpoints.latest().orElseThrow()).step());
    assertTrue(checkpoints.best().isPresent());
    List<String> history = Files.readAllLines(run.history());
    assertEquals(3, history.size());
    assertTrue(history.get(0).startsWith("step,train_loss,val_loss"));
    assertTrue(Files.size(run.curves()) > 1000);
  }

  @Test
  void aReloadedSavedModelGivesTheTrainingSessionsProbabilities() {
    Path checkpoint = outcome.lastCheckpoint();
    ModelCard card = ModelCard.of(config.model(), config.data().classes(), data.normalization(), Map.of("test", true));
    Path exported = Exporter.export(card, Checkpoints.prefix(checkpoint), dir.resolve("export"), 1, config.runtime());
    Slice slice = data.validation().get(0);
    float[] expected;
    try (TrainingGraph graph = new TrainingGraph(config, data.normalization())) {
      graph.restore(Checkpoints.prefix(checkpoint));
      expected = OverlapTile.predict(slice.image(), slice.width(), slice.height(), config.model(), graph,
          OverlapTile.Plan.onePass());
    }
    try (SavedModelPredictor model = SavedModelPredictor.load(exported, config.runtime())) {
      float[] actual = OverlapTile.predict(slice.image(), slice.width(), slice.height(), model.card().model(), model,
          OverlapTile.Plan.onePass());
      assertArrayEquals(expected, actual, 1e-5f);
      assertEquals(data.normalization(), model.card().normalization());
    }
  }

  @Test
  void manySmallTilesGiveTheSameSliceAsOneTile() {
    Slice slice = data.validation().get(1);
    try (TrainingGraph graph = new TrainingGraph(config, data.normalization())) {
      graph.restore(Checkpoints.prefix(outcome.lastCheckpoint()));
      float[] one = OverlapTile.predict(slice.image(), slice.width(), slice.height(), config.model(), graph,
          OverlapTile.Plan.onePass());
      int small = OverlapTile.inputSize(config.model(), 60, Integer.MAX_VALUE);
      float[] many = OverlapTile.predict(slice.image(), slice.width(), slice.height(), config.model(), graph,
          new OverlapTile.Plan(small, 3));
      float worst = 0;
      for (int i = 0; i < one.length; i++) {
        worst = Math.max(worst, Math.abs(one[i] - many[i]));
      }
      assertTrue(worst < 1e-4, "largest difference " + worst + " with " + small + " px tiles");
    }
  }
}
