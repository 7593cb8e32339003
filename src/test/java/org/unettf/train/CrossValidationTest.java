package org.unettf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unettf.Isbi;
import org.unettf.TestData;
import org.unettf.error.UserError;

@Isbi
class CrossValidationTest {
  @TempDir
  Path dir;

  @Test
  void foldsAreContiguousBlocksCoveringEverySliceOnce() {
    assertEquals(List.of(List.of(0, 1, 2, 3, 4, 5), List.of(6, 7, 8, 9, 10, 11), List.of(12, 13, 14, 15, 16, 17),
        List.of(18, 19, 20, 21, 22, 23), List.of(24, 25, 26, 27, 28, 29)), CrossValidation.folds(30, 5));
    List<List<Integer>> uneven = CrossValidation.folds(7, 3);
    assertEquals(List.of(List.of(0, 1), List.of(2, 3), List.of(4, 5, 6)), uneven);
    assertEquals(IntStream.range(0, 7).boxed().toList(), uneven.stream().flatMap(List::stream).toList());
    assertThrows(UserError.class, () -> CrossValidation.folds(30, 1));
    assertThrows(UserError.class, () -> CrossValidation.folds(3, 4));
  }

  @Test
  void everyFoldTrainsAndTheSummaryHoldsTheirMean() throws Exception {
    Path config = dir.resolve("cv.yaml");
    Files.writeString(config, "model: {depth: 3, filters: 4}\ntile: {size: 124}\n"
        + "train: {steps: 3, validate_every: 3, checkpoint_every: 3}\n"
        + "data: {images: " + TestData.volume().toAbsolutePath() + ", labels: " + TestData.labels().toAbsolutePath()
        + "}\noutput: {dir: " + dir.resolve("runs") + "}\n");
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    TrainingRun training = new TrainingRun(quiet, false, new StopRequest(), (c, r, o) -> List.of());
    CrossValidation.Result result = CrossValidation.run(config, 3, training, quiet);
    assertEquals(3, result.folds().size());
    assertEquals(List.of(10, 11, 12, 13, 14, 15, 16, 17, 18, 19), result.folds().get(1).validation());
    double mean = result.folds().stream().mapToDouble(f -> f.report().vRandThinned()).average().orElseThrow();
    JsonObject summary = RunInfo.gson().fromJson(Files.readString(result.summary()), JsonObject.class);
    assertEquals(mean, summary.getAsJsonObject("v_rand_thinned").get("mean").getAsDouble(), 1e-12);
    assertEquals(dir.resolve("runs").resolve("cv-folds.json"), result.summary());
    for (CrossValidation.Fold f : result.folds()) {
      assertEquals("cv-fold" + f.fold(), f.run().getFileName().toString());
      String validated = Files.readString(f.run().resolve("config.yaml"));
      assertTrue(validated.contains("- " + f.validation().get(0) + "\n"), validated);
    }
    // Run again: every fold is complete, so each is resumed at its end and the same scores come back.
    CrossValidation.Result again = CrossValidation.run(config, 3, training, quiet);
    assertEquals(result.scores().get("v_rand_thinned"), again.scores().get("v_rand_thinned"));
  }
}
