package org.unettf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.unettf.Isbi;
import org.unettf.config.ConfigLoader;
import org.unettf.config.RunConfig;
import org.unettf.data.TrainingSet;
import org.unettf.io.ImageStack;
import org.unettf.io.StackReader;
import org.unettf.train.RunInfo;

/**
 * config/custom-example.yaml on the dataset tools/SyntheticData.java makes: RGB images of two
 * sizes paired with masks by name, three classes, same padding, cross-entropy + Dice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Isbi
class OwnDataTest {
  Path dir;
  Path data;
  Path run;

  @BeforeAll
  void trainTheExample(@TempDir Path tmp) throws Exception {
    dir = tmp;
    data = dir.resolve("example");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "tools/SyntheticData.java", data.toString(), "--count", "8", "--rgb").redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), log);
    String example = Files.readString(Path.of("config/custom-example.yaml"))
        .replace("data/example/", data + "/")
        .replace("steps: 300", "steps: 16")
        .replace("validate_every: 100", "validate_every: 8")
        .replace("checkpoint_every: 100", "checkpoint_every: 8")
        .replace("dir: runs", "dir: " + dir.resolve("runs"))
        .replace("name: example-{time}", "name: example");
    Path config = dir.resolve("custom-example.yaml");
    Files.writeString(config, example);
    Cli r = Cli.run("train", config.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    run = dir.resolve("runs/example");
  }

  @Test
  void theExampleConfigReadsAsDocumented() {
    RunConfig c = ConfigLoader.load(Path.of("config/custom-example.yaml"));
    assertEquals(3, c.model().classes());
    assertEquals(3, c.model().channels());
    assertEquals(List.of(0, 128, 255), c.data().classes().values());
    assertEquals(List.of("background", "membrane", "cell"), c.data().classes().names());
  }

  @Test
  void trainingScoresEveryClass() throws Exception {
    JsonObject metrics = RunInfo.gson().fromJson(Files.readString(run.resolve("metrics.json")), JsonObject.class);
    assertEquals(3, metrics.getAsJsonArray("iou").size());
    assertEquals(3, metrics.getAsJsonArray("dice").size());
    assertTrue(Files.exists(run.resolve("savedmodel/unet/1/saved_model.pb")));
    String card = Files.readString(run.resolve("savedmodel/unet/1/assets.extra/unet-tf.json"));
    assertTrue(card.contains("\"membrane\"") && card.contains("128"), card);
  }

  @Test
  void predictAndEvaluateUseTheClassMap() throws Exception {
    Path out = dir.resolve("pred.tif");
    Cli p = Cli.run("predict", "--model", run.resolve("savedmodel/unet").toString(), "--input",
        data.resolve("images/img-001.png").toString(), "--output", out.toString());
    assertEquals(0, p.code(), p.err());
    ImageStack probabilities = StackReader.readImages(out, "x", s -> { });
    assertEquals(3, probabilities.depth(), "one page per class");
    float[] sum = new float[probabilities.slice(0).length];
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < sum.length; i++) {
        sum[i] += probabilities.slice(c)[i];
      }
    }
    for (float v : sum) {
      assertEquals(1f, v, 1e-4f);
    }
    var masks = StackReader.readImages(dir.resolve("pred-masks.tif"), "x", s -> { });
    Set<Integer> values = new HashSet<>();
    for (float v : masks.slice(0)) {
      values.add(Math.round(v * 255));
    }
    assertTrue(Set.of(0, 128, 255).containsAll(values), "masks use the mask values: " + values);

    Cli e = Cli.run("evaluate", "--model", run.resolve("savedmodel/unet/1").toString(), "--images",
        data.resolve("images/img-000.png").toString(), "--labels", data.resolve("masks/img-000.png").toString(),
        "--report", dir.resolve("eval").toString());
    assertEquals(0, e.code(), e.err());
    String csv = Files.readString(dir.resolve("eval/metrics.csv"));
    assertTrue(csv.startsWith("slice,pixel_accuracy,pixel_error,v_rand_thinned,v_info_thinned,v_rand,v_info,loss,iou_0,dice_0,iou_1,dice_1,iou_2,dice_2"), csv);
  }

  @Test
  void slicesOfTwoSizesAndAListOfPairs() throws Exception {
    String yaml = "model: {depth: 3, filters: 4, padding: same, channels: 3}\ntile: {size: 96}\n"
        + "data:\n  classes: {0: background, 128: membrane, 255: cell}\n  pairs:\n"
        + "    - {images: " + data.resolve("images/img-000.png") + ", labels: " + data.resolve("masks/img-000.png") + "}\n"
        + "    - {images: " + data.resolve("images/img-001.png") + ", labels: " + data.resolve("masks/img-001.png") + "}\n"
        + "    - {images: " + data.resolve("images/img-002.png") + ", labels: " + data.resolve("masks/img-002.png") + "}\n";
    TrainingSet set = TrainingSet.load(ConfigLoader.parse(yaml, "pairs.yaml"), s -> { });
    assertEquals(2, set.train().size());
    assertEquals(1, set.validation().size(), "the last 10%, at least one");
    assertEquals(192, set.train().get(0).width());
    assertEquals(224, set.train().get(1).width());
    assertEquals(3, set.train().get(0).channels());
  }

  @Test
  void anUnmappedMaskValueNamesTheFileAndTheMap() throws Exception {
    Path masks = Files.createDirectories(dir.resolve("odd/masks"));
    Path images = Files.createDirectories(dir.resolve("odd/images"));
    Files.copy(data.resolve("images/img-000.png"), images.resolve("a.png"));
    Files.copy(data.resolve("masks/img-000.png"), masks.resolve("a.png"));
    Path config = dir.resolve("binary.yaml");
    Files.writeString(config, "model: {depth: 3, filters: 4, channels: 3}\ntile: {size: 124}\n"
        + "data: {images: " + images + ", labels: " + masks + "}\noutput: {dir: " + dir.resolve("odd-runs") + "}\n");
    Cli r = Cli.run("train", config.toString());
    assertEquals(3, r.code());
    assertTrue(r.errorLine().matches("error: data.labels: .*a.png slice 0 has label value 128 at .* expected only "
        + "0 \\(membrane\\), 255 \\(cell\\)"), r.err());
    Files.delete(masks.resolve("a.png"));
    Files.copy(data.resolve("masks/img-000.png"), masks.resolve("b.png"));
    Cli unpaired = Cli.run("train", config.toString());
    assertEquals(3, unpaired.code());
    assertTrue(unpaired.errorLine().contains("no mask for " + images.resolve("a.png")), unpaired.err());
  }
}
