package org.unettf.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.google.gson.JsonObject;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
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
import org.tensorflow.types.TFloat32;
import org.unettf.Isbi;
import org.unettf.TestData;
import org.unettf.io.ImageStack;
import org.unettf.io.Npy;
import org.unettf.io.Pictures;
import org.unettf.io.StackReader;
import org.unettf.model.Tensors;
import org.unettf.train.RunInfo;

/** export --format onnx, predict and evaluate through ONNX Runtime, and a bioimage.io package with both weights. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Isbi
class OnnxCommandsTest {
  Path dir;
  Path run;
  Path onnx;
  Path slices;

  @BeforeAll
  void trainAndExport(@TempDir Path tmp) throws Exception {
    dir = tmp;
    Path config = dir.resolve("tiny.yaml");
    Files.writeString(config, "model: {depth: 3, filters: 4, batch_norm: true}\n"
        + "data: {images: " + TestData.volume() + ", labels: " + TestData.labels() + ", validation_slices: 28-29}\n"
        + "tile: {size: 124}\n"
        + "train: {steps: 12, batch: 2, validate_every: 12, checkpoint_every: 12}\n"
        + "output: {dir: " + dir.resolve("runs") + ", name: tiny}\n");
    Cli trained = Cli.run("train", config.toString());
    assertEquals(0, trained.code(), trained.err());
    run = dir.resolve("runs/tiny");
    Cli exported = Cli.run("export", "--run", run.toString(), "--format", "onnx");
    assertEquals(0, exported.code(), exported.err());
    onnx = run.resolve("onnx/tiny.onnx");
    assertTrue(exported.out().contains("as ONNX (opset 17) to " + onnx), exported.out());
    ImageStack test = StackReader.readImages(TestData.isbi().resolve("test-volume.tif"), "x", s -> { });
    slices = Files.createDirectories(dir.resolve("slices"));
    for (int z : new int[] {4, 17}) {
      ImageIO.write(Pictures.grey(test.slice(z), 512, 512), "png", slices.resolve("s" + z + ".png").toFile());
    }
  }

  @Test
  void predictWithTheOnnxModelGivesWhatTheSavedModelGives() throws Exception {
    for (List<String> options : List.of(List.<String>of(), List.of("--tta", "2", "--max-tile", "92", "--batch", "3"))) {
      ImageStack fromOnnx = predict(onnx, "onnx", options);
      ImageStack fromTf = predict(run.resolve("savedmodel/unet/1"), "tf", options);
      float worst = 0;
      for (int z = 0; z < fromTf.depth(); z++) {
        for (int i = 0; i < fromTf.slice(z).length; i++) {
          worst = Math.max(worst, Math.abs(fromTf.slice(z)[i] - fromOnnx.slice(z)[i]));
        }
      }
      System.out.printf("predict %s: ONNX Runtime vs TensorFlow, max |Δp| %.2e%n", options, worst);
      assertTrue(worst <= 1e-4, "largest difference " + worst + " with " + options);
    }
  }

  @Test
  void aFixedTileOnnxModelHasStaticSizesAndPredictsTheSame() throws Exception {
    Path fixed = dir.resolve("fixed.onnx");
    Cli r = Cli.run("export", "--run", run.toString(), "--format", "onnx", "--tile", "92", "--output",
        fixed.toString());
    assertEquals(0, r.code(), r.err());
    GraphProto graph = ModelProto.parseFrom(Files.readAllBytes(fixed)).getGraph();
    assertEquals(List.of("batch", "92", "92", "1"), graph.getInput(0).getType().getTensorType().getShape().getDimList()
        .stream().map(d -> d.hasDimValue() ? String.valueOf(d.getDimValue()) : d.getDimParam()).toList());
    ImageStack fromFixed = predict(fixed, "fixed", List.of());
    ImageStack fromAny = predict(onnx, "any", List.of("--max-tile", "92"));
    for (int z = 0; z < fromAny.depth(); z++) {
      assertArrayEquals(fromAny.slice(z), fromFixed.slice(z), 1e-6f);
    }
  }

  private ImageStack predict(Path model, String name, List<String> options) {
    Path out = dir.resolve(name + "-" + options.size() + ".tif");
    List<String> args = new ArrayList<>(List.of("predict", "--model", model.toString(), "--input",
        slices.toString(), "--output", out.toString()));
    args.addAll(options);
    Cli r = Cli.run(args.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    return StackReader.readImages(out, "x", s -> { });
  }

  @Test
  void evaluateScoresTheOnnxModelAsTheSavedModel() throws Exception {
    JsonObject fromOnnx = evaluate(onnx, "eval-onnx");
    JsonObject fromTf = evaluate(run.resolve("savedmodel/unet/1"), "eval-tf");
    for (String metric : List.of("pixel_accuracy", "pixel_error", "v_rand", "v_info")) {
      assertEquals(fromTf.get(metric).getAsDouble(), fromOnnx.get(metric).getAsDouble(), 1e-4, metric);
    }
    assertEquals(onnx.toString(), fromOnnx.get("model").getAsString());
  }

  private JsonObject evaluate(Path model, String report) throws Exception {
    Cli r = Cli.run("evaluate", "--model", model.toString(), "--images", TestData.volume().toString(), "--labels",
        TestData.labels().toString(), "--slices", "28", "--report", dir.resolve(report).toString());
    assertEquals(0, r.code(), r.err());
    return RunInfo.gson().fromJson(Files.readString(dir.resolve(report).resolve("metrics.json")), JsonObject.class);
  }

  @Test
  void badOnnxFilesAndOpsetsAreOneLineErrors() throws Exception {
    Path damaged = dir.resolve("damaged.onnx");
    byte[] whole = Files.readAllBytes(onnx);
    Files.write(damaged, Arrays.copyOf(whole, whole.length / 3));
    Cli broken = Cli.run("predict", "--model", damaged.toString(), "--input", slices.toString(), "--output",
        dir.resolve("x.tif").toString());
    assertEquals(4, broken.code());
    assertTrue(broken.errorLine().startsWith("error: cannot load ONNX model " + damaged + ": "), broken.err());

    Path text = Files.writeString(dir.resolve("notes.onnx"), "not a model\n");
    Cli notOnnx = Cli.run("evaluate", "--model", text.toString(), "--images", TestData.volume().toString(), "--labels",
        TestData.labels().toString(), "--slices", "28", "--report", dir.resolve("r").toString());
    assertEquals(4, notOnnx.code());
    assertTrue(notOnnx.errorLine().startsWith("error: cannot load ONNX model " + text + ": "), notOnnx.err());

    for (String opset : List.of("12", "23")) {
      Cli bad = Cli.run("export", "--run", run.toString(), "--format", "onnx", "--opset", opset, "--output",
          dir.resolve("o" + opset + ".onnx").toString());
      assertEquals(2, bad.code());
      assertEquals("error: --opset: expected 13 to 22, found " + opset, bad.errorLine());
      assertFalse(Files.exists(dir.resolve("o" + opset + ".onnx")));
    }
    Cli gpu = Cli.run("predict", "--model", onnx.toString(), "--device", "gpu:0", "--input", slices.toString(),
        "--output", dir.resolve("x.tif").toString());
    assertEquals(2, gpu.code());
    assertTrue(gpu.errorLine().contains("ONNX models run on the CPU"), gpu.err());
  }

  @Test
  void aBioimageIoPackageCarriesBothWeightsAndEachReproducesTheTestOutput() throws Exception {
    Path zip = dir.resolve("package.zip");
    Cli r = Cli.run("export", "--run", run.toString(), "--format", "bioimageio", "--output", zip.toString());
    assertEquals(0, r.code(), r.err());
    Path unpacked = Files.createDirectories(dir.resolve("package"));
    unzip(Files.newInputStream(zip), unpacked);
    Map<String, Object> rdf = map(new Load(LoadSettings.builder().build())
        .loadFromString(Files.readString(unpacked.resolve("rdf.yaml"))));
    assertEquals("0.5.7", rdf.get("format_version"));
    Map<String, Object> weights = map(rdf.get("weights"));
    assertEquals(List.of("tensorflow_saved_model_bundle", "onnx"), List.copyOf(weights.keySet()));
    for (Object entry : weights.values()) {
      Map<String, Object> w = map(entry);
      assertEquals(sha256(unpacked.resolve((String) w.get("source"))), w.get("sha256"));
    }
    Map<String, Object> onnxWeights = map(weights.get("onnx"));
    assertEquals(17, onnxWeights.get("opset_version"));
    assertEquals("tensorflow_saved_model_bundle", onnxWeights.get("parent"));
    Map<String, Object> tolerance = map(((List<?>) map(map(rdf.get("config")).get("bioimageio"))
        .get("reproducibility_tolerance")).get(0));
    double absolute = ((Number) tolerance.get("absolute_tolerance")).doubleValue();
    double relative = ((Number) tolerance.get("relative_tolerance")).doubleValue();

    Npy.Array input = Npy.read(unpacked.resolve("test_input.npy"));
    Npy.Array expected = Npy.read(unpacked.resolve("test_output.npy"));
    float[] scaled = input.data().clone();
    double gain = ((Number) map(map(((List<?>) map(((List<?>) rdf.get("inputs")).get(0)).get("preprocessing")).get(1))
        .get("kwargs")).get("gain")).doubleValue();
    for (int i = 0; i < scaled.length; i++) {
      scaled[i] *= (float) gain;
    }
    float[] fromOnnx = onnxRuntime(unpacked.resolve((String) onnxWeights.get("source")), scaled, input.shape());
    Path savedModel = Files.createDirectories(dir.resolve("package-savedmodel"));
    unzip(Files.newInputStream(unpacked.resolve((String) map(weights.get("tensorflow_saved_model_bundle"))
        .get("source"))), savedModel);
    float[] fromTf;
    try (SavedModelBundle bundle = SavedModelBundle.load(savedModel.toString(), "serve");
        TFloat32 in = Tensors.floats(scaled, input.shape());
        Result out = bundle.call(Map.of("image", in))) {
      fromTf = Tensors.read((TFloat32) out.get("probabilities").orElseThrow());
    }
    for (Map.Entry<String, float[]> reproduced : Map.of("onnx", fromOnnx, "tensorflow", fromTf).entrySet()) {
      float[] actual = reproduced.getValue();
      assertEquals(expected.data().length, actual.length, reproduced.getKey());
      int mismatched = 0;
      double worst = 0;
      for (int i = 0; i < actual.length; i++) {
        double d = Math.abs(actual[i] - expected.data()[i]);
        worst = Math.max(worst, d);
        mismatched += d > absolute + relative * Math.abs(expected.data()[i]) ? 1 : 0;
      }
      System.out.printf("bioimage.io test output reproduced by %s: max |Δ| %.2e%n", reproduced.getKey(), worst);
      assertEquals(0, mismatched, reproduced.getKey() + ": largest difference " + worst);
    }
  }

  private static float[] onnxRuntime(Path model, float[] image, long[] shape) throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(model.toString(), new OrtSession.SessionOptions());
        OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(image), shape);
        OrtSession.Result out = session.run(Map.of("image", in))) {
      FloatBuffer values = ((OnnxTensor) out.get("probabilities").orElseThrow()).getFloatBuffer();
      float[] probabilities = new float[values.remaining()];
      values.get(probabilities);
      return probabilities;
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
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
}
