package org.unettf.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.unettf.Isbi;
import org.unettf.TestData;
import org.unettf.config.ModelConfig;
import org.unettf.config.RuntimeConfig;
import org.unettf.data.OverlapTile;
import org.unettf.infer.SavedModelPredictor;
import org.unettf.io.ImageStack;
import org.unettf.io.Npy;
import org.unettf.io.Pictures;
import org.unettf.io.StackReader;
import org.unettf.model.Tensors;
import org.unettf.train.RunInfo;

/** The user's path through the real CLI: train, predict, evaluate, export. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Isbi
class EndToEndTest {
  Path dir;
  Path run;

  @BeforeAll
  void train(@TempDir Path tmp) throws Exception {
    dir = tmp;
    Path config = dir.resolve("tiny.yaml");
    Files.writeString(config, "model: {depth: 3, filters: 4}\n"
        + "data: {images: " + TestData.volume() + ", labels: " + TestData.labels() + ", validation_slices: 28-29}\n"
        + "tile: {size: 124}\n"
        + "train: {steps: 12, batch: 2, validate_every: 6, checkpoint_every: 6, summary_every: 3}\n"
        + "output: {dir: " + dir.resolve("runs") + ", name: tiny}\n");
    Cli r = Cli.run("train", config.toString());
    assertEquals(0, r.code(), r.err());
    run = dir.resolve("runs").resolve("tiny");
    assertTrue(r.out().contains("SavedModel: " + run.resolve("savedmodel/unet/1")), r.out());
  }

  @Test
  void trainWritesTheRunFolder() throws Exception {
    for (String f : List.of("config.yaml", "run.json", "weight-maps.tif", "weight-map.png", "history.csv", "curves.png",
        "metrics.json", "savedmodel/unet/1/saved_model.pb", "savedmodel/unet/1/assets.extra/unet-tf.json",
        "checkpoints/latest")) {
      assertTrue(Files.exists(run.resolve(f)), f);
    }
    JsonObject info = RunInfo.gson().fromJson(Files.readString(run.resolve("run.json")), JsonObject.class);
    assertTrue(info.getAsJsonObject("environment").get("tensorflow").getAsString().startsWith("2."));
    assertEquals(28, info.getAsJsonArray("train_slices").size());
    String resolved = Files.readString(run.resolve("config.yaml"));
    assertTrue(resolved.contains("name: tiny") && resolved.contains("w0: 10.0"), resolved);
    ImageStack weights = StackReader.readImages(run.resolve("weight-maps.tif"), "x", s -> { });
    assertEquals(30, weights.depth());
    assertTrue(Files.isDirectory(run.resolve("logs/train")) && Files.isDirectory(run.resolve("logs/validation")));
  }

  @Test
  void predictWritesProbabilitiesAndMasks() throws Exception {
    Path out = dir.resolve("pred.tif");
    Path overlays = dir.resolve("overlays");
    Cli r = Cli.run("predict", "--model", run.resolve("savedmodel/unet").toString(), "--input",
        TestData.isbi().resolve("test-volume.tif").toString(), "--output", out.toString(), "--overlays",
        overlays.toString(), "--tta", "2");
    assertEquals(0, r.code(), r.err());
    ImageStack probabilities = StackReader.readImages(out, "x", s -> { });
    assertEquals(30, probabilities.depth());
    assertEquals(512, probabilities.width());
    for (float v : probabilities.slice(3)) {
      assertTrue(v >= 0 && v <= 1);
    }
    var masks = StackReader.readLabels(dir.resolve("pred-masks.tif"), "x");
    assertEquals(30, masks.depth());
    // Masks are the argmax of both classes' probabilities; at a tie (1 ulp either side of 0.5,
    // as the two needn't sum to exactly 1 in float) either answer is right.
    int agree = 0;
    int ties = 0;
    for (int i = 0; i < masks.slice(3).length; i++) {
      float p = probabilities.slice(3)[i];
      if (Math.abs(p - 0.5f) <= Math.ulp(0.5f)) {
        ties++;
      } else {
        agree += (masks.slice(3)[i] == 1) == (p > 0.5f) ? 1 : 0;
      }
    }
    assertTrue(ties < 10, ties + " ties");
    assertEquals(masks.slice(3).length - ties, agree, "masks are the thresholded probabilities");
    try (Stream<Path> pngs = Files.list(overlays)) {
      assertEquals(30, pngs.count());
    }
  }

  @Test
  void predictTakesASingleSliceAndAFolder() throws Exception {
    ImageStack volume = StackReader.readImages(TestData.volume(), "x", s -> { });
    Path folder = Files.createDirectories(dir.resolve("slices"));
    for (int z : new int[] {2, 10}) {
      ImageIO.write(Pictures.grey(volume.slice(z), 512, 512), "png", folder.resolve("s" + z + ".png").toFile());
    }
    Path model = run.resolve("savedmodel/unet/1");
    Cli fromFolder = Cli.run("predict", "--model", model.toString(), "--input", folder.toString(), "--output",
        dir.resolve("folder.tif").toString());
    assertEquals(0, fromFolder.code(), fromFolder.err());
    Cli fromSlice = Cli.run("predict", "--model", model.toString(), "--input", folder.resolve("s10.png").toString(),
        "--output", dir.resolve("slice.tif").toString());
    assertEquals(0, fromSlice.code(), fromSlice.err());
    ImageStack two = StackReader.readImages(dir.resolve("folder.tif"), "x", s -> { });
    ImageStack one = StackReader.readImages(dir.resolve("slice.tif"), "x", s -> { });
    assertEquals(2, two.depth(), "folder slices sorted by name: s2 before s10");
    assertArrayEquals(two.slice(1), one.slice(0));
  }

  @Test
  void evaluateWritesMetricsAndPanels() throws Exception {
    Path report = dir.resolve("eval");
    Cli r = Cli.run("evaluate", "--model", run.resolve("savedmodel/unet/1").toString(), "--images",
        TestData.volume().toString(), "--labels", TestData.labels().toString(), "--slices", "28-29", "--report",
        report.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("V_rand"), r.out());
    String json = Files.readString(report.resolve("metrics.json"));
    assertFalse(json.contains("NaN") || json.contains("Infinity"), "strict JSON, as jq and Python's json.loads want");
    JsonObject metrics = RunInfo.gson().fromJson(json, JsonObject.class);
    double accuracy = metrics.get("pixel_accuracy").getAsDouble();
    assertTrue(accuracy >= 0 && accuracy <= 1, "accuracy " + accuracy);
    for (String score : List.of("v_rand_thinned", "v_info_thinned", "v_rand", "v_info")) {
      double v = metrics.get(score).getAsDouble();
      assertTrue(v >= 0 && v <= 1, score + " " + v);
      assertTrue(metrics.getAsJsonObject("thresholds").has(score), score + " has its threshold");
    }
    assertTrue(r.out().contains("V_rand thin"), r.out());
    List<String> csv = Files.readAllLines(report.resolve("metrics.csv"));
    assertEquals(4, csv.size(), "header, two slices, mean");
    assertTrue(csv.get(3).startsWith("mean,"));
    assertEquals(accuracy, Double.parseDouble(csv.get(3).split(",")[1]), 1e-6);
    assertEquals(List.of(28, 29), metrics.getAsJsonArray("slices").asList().stream().map(e -> e.getAsInt()).toList());
    assertTrue(Files.size(report.resolve("slice-028.png")) > 10_000);
  }

  @Test
  void exportAddsAVersionAndTheSegmentSignatureKeepsTheSliceSize() throws Exception {
    Cli r = Cli.run("export", "--run", run.toString(), "--checkpoint", "latest");
    assertEquals(0, r.code(), r.err());
    Path v2 = run.resolve("savedmodel/unet/2");
    assertTrue(Files.exists(v2.resolve("saved_model.pb")));
    ImageStack volume = StackReader.readImages(TestData.volume(), "x", s -> { });
    float[] expected;
    try (SavedModelPredictor p = SavedModelPredictor.load(v2, new RuntimeConfig(0, 0, "cpu"))) {
      expected = OverlapTile.predict(volume.slice(5), 512, 512, p.card().model(), p, OverlapTile.Plan.onePass());
    }
    try (SavedModelBundle bundle = SavedModelBundle.load(v2.toString(), "serve");
        TFloat32 image = Tensors.floats(volume.slice(5), 1, 512, 512, 1);
        Result out = bundle.function("segment").call(Map.of("image", image))) {
      Tensor probabilities = out.get("probabilities").orElseThrow();
      assertEquals(Shape.of(1, 512, 512, 2), probabilities.shape());
      assertArrayEquals(expected, Tensors.read((TFloat32) probabilities), 1e-5f);
    }
    Cli again = Cli.run("export", "--run", run.toString(), "--model-version", "2");
    assertEquals(5, again.code());
    assertTrue(again.errorLine().contains("exists already"), again.err());
  }

  @Test
  void aCheckpointIsNamedByItsStep() throws Exception {
    Cli r = Cli.run("export", "--run", run.toString(), "--checkpoint", "step-6", "--output", dir.resolve("at6").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.exists(dir.resolve("at6/1/saved_model.pb")));
    Cli missing = Cli.run("export", "--run", run.toString(), "--checkpoint", "step-7", "--output",
        dir.resolve("at7").toString());
    assertEquals(4, missing.code());
    assertTrue(missing.errorLine().contains("no complete checkpoint of step 7; it keeps: step-0000006, step-0000012"),
        missing.err());
    assertFalse(Files.exists(dir.resolve("at7")));
  }

  @Test
  void aFixedTileExportPredictsWhatTheAnySizeOneDoes() throws Exception {
    Path base = dir.resolve("fixed");
    Cli bad = Cli.run("export", "--run", run.toString(), "--tile", "125", "--output", base.toString());
    assertEquals(2, bad.code());
    var tiny = new ModelConfig(3, 4, ModelConfig.Padding.VALID, false, 0, 2, 1);
    assertTrue(bad.errorLine().contains("--tile: expected a size the network accepts (nearest valid sizes: "
        + tiny.validInputsNear(125).get(0) + ", " + tiny.validInputsNear(125).get(1) + "), found 125"), bad.err());
    Cli r = Cli.run("export", "--run", run.toString(), "--checkpoint", "latest", "--tile", "124", "--output",
        base.toString());
    assertEquals(0, r.code(), r.err());
    try (SavedModelBundle bundle = SavedModelBundle.load(base.resolve("1").toString(), "serve")) {
      var input = bundle.metaGraphDef().getSignatureDefMap().get("serving_default").getInputsMap().get("image");
      assertEquals(List.of(-1L, 124L, 124L, 1L),
          input.getTensorShape().getDimList().stream().map(d -> d.getSize()).toList());
    }
    Path fixedOut = dir.resolve("fixed.tif");
    Path anyOut = dir.resolve("any.tif");
    String input = TestData.volume().toString();
    assertEquals(0, Cli.run("predict", "--model", base.toString(), "--input", input, "--output", fixedOut.toString()).code());
    assertEquals(0, Cli.run("predict", "--model", run.resolve("savedmodel/unet/1").toString(), "--input", input,
        "--output", anyOut.toString()).code());
    ImageStack fixed = StackReader.readImages(fixedOut, "x", s -> { });
    ImageStack any = StackReader.readImages(anyOut, "x", s -> { });
    assertArrayEquals(any.slice(7), fixed.slice(7), 1e-4f);
  }

  @Test
  void aBioimageIoPackageHoldsItsModelAndMatchingTestTensors() throws Exception {
    Path zip = dir.resolve("package.zip");
    Cli r = Cli.run("export", "--run", run.toString(), "--format", "bioimageio", "--author", "A. Tester", "--output",
        zip.toString());
    assertEquals(0, r.code(), r.err());
    Path unpacked = Files.createDirectories(dir.resolve("package"));
    unzip(Files.newInputStream(zip), unpacked);
    Map<String, Object> rdf = new Load(
        LoadSettings.builder().build()).loadFromString(Files.readString(unpacked.resolve("rdf.yaml")))
        instanceof Map<?, ?> m ? cast(m) : Map.of();
    assertEquals("model", rdf.get("type"));
    assertTrue(((String) rdf.get("format_version")).startsWith("0.5."));
    assertEquals("10.1007/978-3-319-24574-4_28", cast(((List<?>) rdf.get("cite")).get(0)).get("doi"));
    assertEquals("A. Tester", cast(((List<?>) rdf.get("authors")).get(0)).get("name"));
    Map<String, Object> weights = cast(cast(rdf.get("weights")).get("tensorflow_saved_model_bundle"));
    assertEquals(sha256(unpacked.resolve((String) weights.get("source"))), weights.get("sha256"));
    assertTrue(((String) weights.get("tensorflow_version")).startsWith("2."));
    Map<String, Object> input = cast(((List<?>) rdf.get("inputs")).get(0));
    Map<String, Object> output = cast(((List<?>) rdf.get("outputs")).get(0));
    for (Map<String, Object> tensor : List.of(input, output)) {
      Map<String, Object> test = cast(tensor.get("test_tensor"));
      assertEquals(sha256(unpacked.resolve((String) test.get("source"))), test.get("sha256"));
    }
    var outputAxes = (List<?>) output.get("axes");
    assertEquals(20, cast(outputAxes.get(1)).get("halo"), "the valid network's margin");
    for (String f : List.of("README.md", "cover.png")) {
      assertTrue(Files.size(unpacked.resolve(f)) > 100, f);
    }

    Npy.Array testInput = Npy.read(unpacked.resolve("test_input.npy"));
    Npy.Array testOutput = Npy.read(unpacked.resolve("test_output.npy"));
    assertEquals(4, testInput.shape().length);
    Path savedModel = Files.createDirectories(dir.resolve("package-model"));
    unzip(Files.newInputStream(unpacked.resolve("savedmodel.zip")), savedModel);
    float[] scaled = testInput.data().clone();
    for (int i = 0; i < scaled.length; i++) {
      scaled[i] /= 255f;
    }
    try (SavedModelBundle bundle = SavedModelBundle.load(savedModel.toString(), "serve");
        TFloat32 in = Tensors.floats(scaled, testInput.shape());
        Result out = bundle.call(Map.of("image", in))) {
      assertArrayEquals(testOutput.data(), Tensors.read((TFloat32) out.get("probabilities").orElseThrow()), 1e-6f);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Object map) {
    return (Map<String, Object>) map;
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  private static void unzip(InputStream zip, Path target) throws Exception {
    try (ZipInputStream in = new ZipInputStream(zip)) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        Path out = target.resolve(e.getName());
        Files.createDirectories(out.getParent());
        Files.copy(in, out);
      }
    }
  }

  @Test
  void anExistingRunFolderIsRefused() throws Exception {
    Cli r = Cli.run("train", run.resolve("config.yaml").toString());
    assertEquals(5, r.code());
    assertTrue(r.errorLine().contains("exists already; give train --resume"), r.err());
  }
}
