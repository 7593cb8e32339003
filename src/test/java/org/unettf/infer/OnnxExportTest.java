package org.unettf.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.unettf.Isbi;
import org.unettf.TestData;
import org.unettf.config.ClassMap;
import org.unettf.config.ConfigLoader;
import org.unettf.config.ModelConfig;
import org.unettf.config.RunConfig;
import org.unettf.config.RuntimeConfig;
import org.unettf.data.Normalization;
import org.unettf.data.Sample;
import org.unettf.error.ExitCode;
import org.unettf.error.UserError;
import org.unettf.io.ImageStack;
import org.unettf.io.LabelStack;
import org.unettf.io.StackReader;
import org.unettf.model.Tensors;
import org.unettf.train.TrainingGraph;

/**
 * ONNX exports, run by a real ONNX Runtime, give what the SavedModel exported from the same
 * briefly trained checkpoint gives TensorFlow, on real ISBI crops of several sizes in batches.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Isbi
class OnnxExportTest {
  /** The agreement asked of ONNX Runtime against TensorFlow. */
  private static final float TOLERANCE = 1e-4f;
  /** Labels may differ only where TensorFlow's two largest probabilities are this close. */
  private static final float TIE = 1e-5f;
  private static final RuntimeConfig CPU = new RuntimeConfig(0, 0, "cpu");

  /** A network to train briefly and export: its shape, class weights to divide out (or none), its tile. */
  record Case(String name, ModelConfig spec, double[] calibration, int tile) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** A checkpoint and what was exported from it. */
  record Exported(ModelCard card, String checkpoint, Path savedModel, Path serving, Path segment) {}

  Path dir;
  ImageStack volume;
  LabelStack labels;
  final Map<String, Exported> exported = new HashMap<>();

  static Stream<Case> cases() {
    return Stream.of(
        new Case("valid, batch norm, 2 classes, grey",
            new ModelConfig(3, 8, ModelConfig.Padding.VALID, true, 0, 2, 1), new double[] {0.7, 1.9}, 124),
        new Case("valid, 3 classes, RGB",
            new ModelConfig(4, 4, ModelConfig.Padding.VALID, false, 0, 3, 3), new double[] {0.6, 1.2, 2.4}, 124),
        new Case("same, batch norm, 3 classes, grey",
            new ModelConfig(3, 6, ModelConfig.Padding.SAME, true, 0, 3, 1), new double[] {0.5, 1.5, 3.0}, 96),
        new Case("same, 2 classes, RGB, plain softmax",
            new ModelConfig(4, 4, ModelConfig.Padding.SAME, false, 0, 2, 3), null, 128));
  }

  @BeforeAll
  void readIsbi(@TempDir Path tmp) {
    dir = tmp;
    volume = StackReader.readImages(TestData.volume(), "x", s -> { });
    labels = StackReader.readLabels(TestData.labels(), "x");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void onnxRuntimeGivesTheSavedModelsServingDefault(Case c) throws Exception {
    Exported e = export(c);
    ModelConfig spec = c.spec();
    int large = spec.validInputsNear(128).get(0);
    int small = spec.validInputsNear(40).get(spec.validInputsNear(40).size() - 1);
    int middle = spec.validInputsNear(90).get(0);
    for (int[] size : new int[][] {{large, large, 3}, {small, middle, 2}}) {
      compare(c, e.savedModel(), "serving_default", e.serving(), size[0], size[1], size[2]);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theAnySizeVariantGivesTheSegmentSignatureOnOddSizes(Case c) throws Exception {
    Exported e = export(c);
    int min = InferenceGraph.smallestSegmentEdge(c.spec());
    for (int[] size : new int[][] {{min + 5, min + 23, 2}, {min + 47, min + 9, 3}}) {
      int height = size[0] | 1;
      int width = size[1] | 1;
      compare(c, e.savedModel(), InferenceGraph.SEGMENT, e.segment(), height, width, size[2]);
    }
  }

  @Test
  void everyOpsetInTheRangeRunsAndGivesTheSavedModelsAnswer() throws Exception {
    Case c = cases().findFirst().orElseThrow();
    Exported e = export(c);
    int edge = c.spec().validInputsNear(100).get(0);
    int channels = c.spec().channels();
    float[] images = crops(channels, 2, edge, edge);
    Outputs expected = tensorflow(e.savedModel(), "serving_default", images, 2, edge, edge, channels);
    for (int opset = OnnxExporter.MIN_OPSET; opset <= OnnxExporter.MAX_OPSET; opset++) {
      Path file = OnnxExporter.export(e.card(), e.checkpoint(), dir.resolve("opset-" + opset + ".onnx"),
          OnnxExporter.Variant.SERVING_DEFAULT, opset, CPU);
      ModelProto model = ModelProto.parseFrom(Files.readAllBytes(file));
      assertEquals(opset, model.getOpsetImport(0).getVersion());
      assertEquals(OnnxExporter.irVersion(opset), model.getIrVersion());
      Outputs actual = onnx(file, images, 2, edge, edge, channels);
      assertArrayEquals(expected.probabilities(), actual.probabilities(), TOLERANCE, "opset " + opset);
    }
    for (int opset : new int[] {OnnxExporter.MIN_OPSET - 1, OnnxExporter.MAX_OPSET + 1}) {
      UserError error = assertThrows(UserError.class, () -> OnnxExporter.checkOpset(opset));
      assertEquals(ExitCode.CONFIG, error.exitCode());
      assertEquals("--opset: expected 13 to " + OnnxExporter.MAX_OPSET + ", found " + opset, error.getMessage());
    }
  }

  @Test
  void theModelCarriesItsCardProvenanceAndTheCheckpointsNames() throws Exception {
    Case c = cases().findFirst().orElseThrow();
    Exported e = export(c);
    ModelProto model = ModelProto.parseFrom(Files.readAllBytes(e.serving()));
    assertEquals("unet-tf", model.getProducerName());
    assertTrue(model.getDocString().contains("serving_default"), model.getDocString());
    Map<String, String> metadata = new HashMap<>();
    model.getMetadataPropsList().forEach(p -> metadata.put(p.getKey(), p.getValue()));
    assertEquals("serving_default", metadata.get(OnnxExporter.SIGNATURE));
    assertEquals(c.name(), metadata.get("provenance.case"));
    ModelCard card = ModelCard.parse(metadata.get(OnnxExporter.CARD), "metadata");
    assertEquals(e.card().model(), card.model());
    assertArrayEquals(c.calibration(), card.calibration());
    assertEquals(e.card().normalization(), card.normalization());

    Map<String, OnnxUNet.Weights> variables = OnnxExporter.restore(c.spec(), e.checkpoint(), CPU);
    Map<String, TensorProto> initializers = new HashMap<>();
    model.getGraph().getInitializerList().forEach(t -> initializers.put(t.getName(), t));
    for (Map.Entry<String, OnnxUNet.Weights> v : variables.entrySet()) {
      TensorProto t = initializers.get(v.getKey());
      assertTrue(t != null, "initializer " + v.getKey() + " in " + initializers.keySet());
      assertEquals(v.getValue().values().length, t.getRawData().size() / 4, v.getKey());
    }
    assertTrue(variables.containsKey("unet.up1.up_conv.kernel"), variables.keySet().toString());
    float[] movingMean = variables.get("unet.inc.conv1.batch_norm.moving_mean").values();
    float largest = 0;
    for (float m : movingMean) {
      largest = Math.max(largest, Math.abs(m));
    }
    assertTrue(largest > 0.01, "training moved the batch-norm statistics: largest moving mean " + largest);

    try (OnnxPredictor loaded = OnnxPredictor.load(e.serving(), CPU)) {
      assertEquals(e.card().model(), loaded.card().model());
      assertEquals(e.serving(), loaded.path());
    }
    UserError segment = assertThrows(UserError.class, () -> OnnxPredictor.load(e.segment(), CPU));
    assertEquals(ExitCode.MODEL, segment.exitCode());
    assertTrue(segment.getMessage().contains("any-size ONNX graph (signature 'segment'"), segment.getMessage());
  }

  @Test
  void aForeignOrDamagedOnnxFileIsNamedInOneLine() throws Exception {
    Exported e = export(cases().findFirst().orElseThrow());
    OnnxGraph g = new OnnxGraph();
    g.input("x", TensorProto.DataType.FLOAT, List.of("n"));
    g.output(g.node("Relu", "y", List.of("x")), TensorProto.DataType.FLOAT, List.of("n"));
    Path foreign = dir.resolve("foreign.onnx");
    Files.write(foreign, ModelProto.newBuilder().setIrVersion(8)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17))
        .setGraph(g.build("relu", "")).build().toByteArray());
    UserError notOurs = assertThrows(UserError.class, () -> OnnxPredictor.load(foreign, CPU));
    assertEquals(ExitCode.MODEL, notOurs.exitCode());
    assertEquals(foreign + " is an ONNX model that unet-tf did not export (no unet-tf.card in its metadata_props), so "
        + "its tiling geometry is unknown", notOurs.getMessage());

    byte[] whole = Files.readAllBytes(e.serving());
    Path damaged = dir.resolve("damaged.onnx");
    Files.write(damaged, Arrays.copyOf(whole, whole.length / 2));
    UserError broken = assertThrows(UserError.class, () -> OnnxPredictor.load(damaged, CPU));
    assertEquals(ExitCode.MODEL, broken.exitCode());
    assertTrue(broken.getMessage().startsWith("cannot load ONNX model " + damaged + ": "), broken.getMessage());
    assertEquals(1, broken.getMessage().lines().count(), broken.getMessage());
  }

  /** Runs both and holds ONNX Runtime to TensorFlow: probabilities within 1e-4, labels equal but at ties. */
  private void compare(Case c, Path savedModel, String signature, Path onnx, int height, int width, int batch)
      throws Exception {
    int channels = c.spec().channels();
    float[] images = crops(channels, batch, height, width);
    Outputs tf = tensorflow(savedModel, signature, images, batch, height, width, channels);
    Outputs ort = onnx(onnx, images, batch, height, width, channels);
    assertArrayEquals(tf.shape(), ort.shape(), signature + " output shape");
    int classes = c.spec().classes();
    float worst = 0;
    int differentLabels = 0;
    for (int i = 0; i < tf.probabilities().length; i++) {
      worst = Math.max(worst, Math.abs(tf.probabilities()[i] - ort.probabilities()[i]));
    }
    for (int p = 0; p < tf.labels().length; p++) {
      if (tf.labels()[p] != ort.labels()[p]) {
        assertTrue(topTwoGap(tf.probabilities(), p, classes) <= TIE, "labels differ at pixel " + p + " without a tie");
        differentLabels++;
      }
    }
    String line = String.format("%s, %s, %d×%d×%d: max |Δp| %.2e, %d of %d labels differ at ties", c.name(),
        signature, batch, height, width, worst, differentLabels, tf.labels().length);
    System.out.println("onnx vs tf: " + line);
    assertTrue(worst <= TOLERANCE, line);
  }

  private static float topTwoGap(float[] probabilities, int pixel, int classes) {
    float first = -1;
    float second = -1;
    for (int k = 0; k < classes; k++) {
      float p = probabilities[pixel * classes + k];
      if (p > first) {
        second = first;
        first = p;
      } else if (p > second) {
        second = p;
      }
    }
    return first - second;
  }

  record Outputs(long[] shape, float[] probabilities, int[] labels) {}

  private static Outputs tensorflow(Path savedModel, String signature, float[] images, int batch, int height, int width,
      int channels) {
    try (SavedModelBundle bundle = SavedModelBundle.load(savedModel.toString(), "serve");
        TFloat32 in = Tensors.floats(images, batch, height, width, channels);
        Result out = bundle.function(signature).call(Map.of("image", in))) {
      TFloat32 p = (TFloat32) out.get("probabilities").orElseThrow();
      TInt32 l = (TInt32) out.get("labels").orElseThrow();
      int[] labels = new int[(int) l.shape().size()];
      l.copyTo(DataBuffers.of(labels, false, false));
      return new Outputs(p.shape().asArray(), Tensors.read(p), labels);
    }
  }

  private static Outputs onnx(Path model, float[] images, int batch, int height, int width, int channels)
      throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(model.toString(), new OrtSession.SessionOptions());
        OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(images),
            new long[] {batch, height, width, channels});
        OrtSession.Result out = session.run(Map.of("image", in))) {
      OnnxTensor p = (OnnxTensor) out.get("probabilities").orElseThrow();
      OnnxTensor l = (OnnxTensor) out.get("labels").orElseThrow();
      FloatBuffer pb = p.getFloatBuffer();
      float[] probabilities = new float[pb.remaining()];
      pb.get(probabilities);
      IntBuffer lb = l.getIntBuffer();
      int[] labels = new int[lb.remaining()];
      lb.get(labels);
      return new Outputs(p.getInfo().getShape(), probabilities, labels);
    }
  }

  /** {@code batch} crops of the ISBI stack, each from its own slice and place; RGB from three neighbouring slices. */
  private float[] crops(int channels, int batch, int height, int width) {
    float[] out = new float[batch * height * width * channels];
    int i = 0;
    for (int b = 0; b < batch; b++) {
      int z = 3 + 7 * b;
      int x0 = 31 * b + 17;
      int y0 = 512 - height - 23 * b - 5;
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          for (int k = 0; k < channels; k++) {
            out[i++] = volume.slice(z + k)[(y0 + y) * 512 + x0 + x];
          }
        }
      }
    }
    return out;
  }

  /** Trains the case's network for a few steps, saves the checkpoint and exports it three ways, once per case. */
  private Exported export(Case c) {
    return exported.computeIfAbsent(c.name(), name -> {
      ModelConfig spec = c.spec();
      ClassMap classes = spec.classes() == 2 ? ClassMap.binary()
          : new ClassMap(List.of(0, 128, 255), List.of("membrane", "cytoplasm", "bright"));
      RunConfig config = ConfigLoader.parse(String.format("model: {depth: %d, filters: %d, padding: %s, "
          + "batch_norm: %s, channels: %d}\ndata: {images: %s, labels: %s, classes: {%s}}\ntile: {size: %d}\n"
          + "train: {batch: 2, optimizer: adam, learning_rate: 0.003}\nruntime: {device: cpu}\n",
          spec.depth(), spec.filters(), spec.padding().name().toLowerCase(), spec.batchNorm(), spec.channels(),
          TestData.volume(), TestData.labels(),
          String.join(", ", classes.values().stream().map(v -> v + ": c" + v).toList()), c.tile()), "onnx-test.yaml");
      assertEquals(spec, config.model());
      Normalization normalization = Normalization.of(List.of(volume.slice(0), volume.slice(1)));
      Path checkpoint = dir.resolve(name.replaceAll("[^a-z0-9]+", "-"));
      String prefix = checkpoint.resolve("ckpt").toString();
      try (TrainingGraph graph = new TrainingGraph(config, normalization, c.calibration())) {
        SplittableRandom random = new SplittableRandom(7);
        for (int step = 0; step < 30; step++) {
          graph.step(List.of(sample(config, random), sample(config, random)), 1, step, false);
        }
        Files.createDirectories(checkpoint);
        graph.save(prefix);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      ModelCard card = ModelCard.of(spec, classes, normalization, Map.of("case", name)).withCalibration(c.calibration());
      Path savedModel = Exporter.export(card, prefix, checkpoint.resolve("savedmodel"), 1, CPU);
      Path serving = OnnxExporter.export(card, prefix, checkpoint.resolve("serving.onnx"),
          OnnxExporter.Variant.SERVING_DEFAULT, OnnxExporter.DEFAULT_OPSET, CPU);
      Path segment = OnnxExporter.export(card, prefix, checkpoint.resolve("segment.onnx"), OnnxExporter.Variant.SEGMENT,
          OnnxExporter.DEFAULT_OPSET, CPU);
      return new Exported(card, prefix, savedModel, serving, segment);
    });
  }

  /**
   * A training tile of a random ISBI slice and place, with the labels of its output window: ISBI's
   * membrane and cell, and for three classes the cell pixels brighter than 0.75 as a third.
   */
  private Sample sample(RunConfig config, SplittableRandom random) {
    ModelConfig spec = config.model();
    int in = config.tile().size();
    int out = config.outputTile();
    int offset = (in - out) / 2;
    int z = random.nextInt(25);
    int x0 = random.nextInt(512 - in);
    int y0 = random.nextInt(512 - in);
    float[] image = new float[in * in * spec.channels()];
    int i = 0;
    for (int y = 0; y < in; y++) {
      for (int x = 0; x < in; x++) {
        for (int k = 0; k < spec.channels(); k++) {
          image[i++] = volume.slice(z + k)[(y0 + y) * 512 + x0 + x];
        }
      }
    }
    byte[] classes = new byte[out * out];
    float[] weights = new float[out * out];
    for (int y = 0; y < out; y++) {
      for (int x = 0; x < out; x++) {
        int p = (y0 + offset + y) * 512 + x0 + offset + x;
        int label = labels.slice(z)[p];
        if (spec.classes() == 3 && label == 1 && volume.slice(z)[p] > 0.75f) {
          label = 2;
        }
        classes[y * out + x] = (byte) label;
        weights[y * out + x] = 1;
      }
    }
    return new Sample(z, in, out, image, classes, weights);
  }
}
