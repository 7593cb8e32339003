package org.unettf.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.unettf.Isbi;
import org.unettf.TestData;
import org.unettf.config.RuntimeConfig;
import org.unettf.data.OverlapTile;
import org.unettf.io.ImageStack;
import org.unettf.io.LabelStack;
import org.unettf.io.StackReader;
import org.unettf.metrics.Evaluation;

/** The model in savedmodel/isbi2012 loads and scores what its MODEL_CARD.md says, within half a point. */
@Isbi
class BundledModelTest {
  private static final Path BUNDLED = Path.of("savedmodel", "isbi2012");

  /** A figure of the card's table of scores on slices 27–29, without test-time augmentation. */
  private static double card(String row) throws Exception {
    String card = Files.readString(BUNDLED.resolve("MODEL_CARD.md"));
    Matcher m = Pattern.compile("\\| " + Pattern.quote(row) + " \\| (?:\\*\\*)?([0-9.]+)").matcher(card);
    assertTrue(m.find(), "MODEL_CARD.md states the " + row + " without test-time augmentation");
    return Double.parseDouble(m.group(1));
  }

  @Test
  void scoresWhatItsCardSays() throws Exception {
    double promised = card("pixel accuracy");
    double promisedVRand = card("**V_rand after border thinning** (the leaderboard's headline)");
    ImageStack images = StackReader.readImages(TestData.volume(), "x", s -> { });
    LabelStack labels = StackReader.readLabels(TestData.labels(), "x");
    List<Evaluation.Prediction> predictions = new ArrayList<>();
    try (SavedModelPredictor model = SavedModelPredictor.load(BUNDLED, new RuntimeConfig(0, 0, "cpu"))) {
      assertEquals(2, model.card().model().classes());
      for (int z = 27; z <= 29; z++) {
        float[] p = OverlapTile.predict(images.slice(z), 512, 512, model.card().model(), model, OverlapTile.Plan.onePass());
        predictions.add(new Evaluation.Prediction(z, 512, 512, 2, p, labels.slice(z), null));
      }
    }
    Evaluation.Report report = Evaluation.evaluate(predictions);
    double accuracy = report.accuracy();
    System.out.printf("bundled model: pixel accuracy %.4f, thinned V_rand %.4f on slices 27-29 (card: %.4f, %.4f)%n",
        accuracy, report.vRandThinned(), promised, promisedVRand);
    assertTrue(accuracy >= promised - 0.005, "pixel accuracy " + accuracy + " against the card's " + promised);
    assertTrue(report.vRandThinned() >= promisedVRand - 0.005,
        "thinned V_rand " + report.vRandThinned() + " against the card's " + promisedVRand);
  }
}
