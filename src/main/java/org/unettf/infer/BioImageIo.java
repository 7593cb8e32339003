package org.unettf.infer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.types.TFloat32;
import org.unettf.config.ConfigWriter;
import org.unettf.config.ModelConfig;
import org.unettf.config.RuntimeConfig;
import org.unettf.config.Schema;
import org.unettf.error.UserError;
import org.unettf.io.AtomicFiles;
import org.unettf.io.Npy;
import org.unettf.io.Pictures;
import org.unettf.io.StackWriter;
import org.unettf.model.Sessions;
import org.unettf.model.Tensors;

/**
 * A bioimage.io model package (model description format 0.5): {@code rdf.yaml}, two weight
 * formats of one checkpoint (the zipped SavedModel and an ONNX model), a README, a cover and test
 * tensors the package's own SavedModel produced. Consumers such as bioimageio.core, ilastik and
 * deepImageJ call one graph on images of any size, so both weights take any size and return maps
 * of the same size: the SavedModel's {@code serving_default} is its {@code segment} signature, and
 * the ONNX model is {@link OnnxExporter.Variant#SEGMENT}.
 */
public final class BioImageIo {
  /** The newest model description format, 0.5.7 (bioimageio.spec 0.5.7.x). */
  public static final String FORMAT_VERSION = "0.5.7";
  static final String SAVED_MODEL = "savedmodel.zip";
  static final String ONNX = "model.onnx";
  static final double ABSOLUTE_TOLERANCE = 1e-4;
  static final double RELATIVE_TOLERANCE = 1e-3;

  private BioImageIo() {}

  /** What the package says about itself beyond the model: names, people, data. */
  public record Description(
      String name, String description, List<String> authors, List<String> classNames, double inputMaximum,
      String trainingData, String metrics) {}

  /**
   * Writes the package to {@code target} (a .zip), from a checkpoint and a test image (raw
   * intensities in [0, 1], {@code width×height}), with ONNX weights of {@code opset}. The test
   * output comes from the SavedModel in fp32 on the CPU, the most reproducible way to run it; the
   * ONNX weights must reproduce it within the package's tolerance, or no package is written.
   */
  public static Path write(ModelCard card, String checkpointPrefix, Description about, float[] testImage, int width,
      int height, int opset, RuntimeConfig runtime, Path target) {
    RuntimeConfig reference = new RuntimeConfig(runtime.intraOpThreads(), runtime.interOpThreads(), "cpu", 1,
        RuntimeConfig.Precision.FP32, runtime.winograd());
    Path work = null;
    try {
      work = Files.createTempDirectory("unet-tf-bioimageio");
      Path savedModel = Exporter.export(card, checkpointPrefix, work.resolve("savedmodel"), 1, reference, true);
      Path files = Files.createDirectories(work.resolve("package"));
      zipFolder(savedModel, files.resolve(SAVED_MODEL));
      Path onnx = OnnxExporter.export(card, checkpointPrefix, files.resolve(ONNX), OnnxExporter.Variant.SEGMENT, opset,
          reference);

      ModelConfig spec = card.model();
      float[] raw = testImage.clone();
      for (int i = 0; i < raw.length; i++) {
        raw[i] *= (float) about.inputMaximum();
      }
      float[] output = run(savedModel, testImage, width, height, spec.channels(), reference);
      try (OnnxPredictor model = OnnxPredictor.open(onnx, reference)) {
        checkReproduced(output, model.run(testImage, 1, height, width), onnx);
      }
      Files.write(files.resolve("test_input.npy"), Npy.encode(new long[] {1, height, width, spec.channels()}, raw));
      Files.write(files.resolve("test_output.npy"), Npy.encode(new long[] {1, height, width, spec.classes()}, output));
      float[] foreground = new float[width * height];
      for (int i = 0; i < foreground.length; i++) {
        foreground[i] = output[i * spec.classes() + spec.classes() - 1];
      }
      byte[] predicted = new byte[foreground.length];
      for (int i = 0; i < predicted.length; i++) {
        predicted[i] = (byte) (foreground[i] > 0.5f ? 1 : 0);
      }
      StackWriter.writePng(files.resolve("cover.png"), Pictures.overlay(testImage, predicted, width, height));
      Files.writeString(files.resolve("README.md"), readme(card, about));
      Files.writeString(files.resolve("rdf.yaml"), rdf(card, about, files, width, height, opset));
      AtomicFiles.write(target, out -> zipFlat(files, out));
      return target;
    } catch (IOException e) {
      throw UserError.output("cannot write bioimage.io package " + target + " (" + AtomicFiles.describe(e) + ")");
    } finally {
      AtomicFiles.deleteQuietly(work);
    }
  }

  private static float[] run(Path savedModel, float[] image, int width, int height, int channels, RuntimeConfig runtime) {
    try (SavedModelBundle bundle = SavedModelBundle.loader(savedModel.toString()).withTags("serve")
            .withConfigProto(Sessions.config(runtime)).load();
        TFloat32 in = Tensors.floats(image, 1, height, width, channels);
        Result out = bundle.call(Map.of("image", in))) {
      return Tensors.read((TFloat32) out.get("probabilities").orElseThrow());
    }
  }

  /** Refuses to package weights that miss the test output by more than the rdf's tolerance allows (no element). */
  private static void checkReproduced(float[] expected, float[] actual, Path weights) {
    double worst = 0;
    int mismatched = 0;
    for (int i = 0; i < expected.length; i++) {
      double d = Math.abs(expected[i] - actual[i]);
      worst = Math.max(worst, d);
      if (d > ABSOLUTE_TOLERANCE + RELATIVE_TOLERANCE * Math.abs(expected[i])) {
        mismatched++;
      }
    }
    if (expected.length != actual.length || mismatched > 0) {
      throw UserError.model(String.format("the package's ONNX weights (%s) miss the SavedModel's test output: %d of %d "
          + "values beyond %.0e + %.0e·|expected|, largest difference %.2e", weights.getFileName(), mismatched,
          expected.length, ABSOLUTE_TOLERANCE, RELATIVE_TOLERANCE, worst));
    }
  }

  /** The smallest test image edge the package's model takes. */
  public static int testEdge(ModelConfig spec) {
    return InferenceGraph.smallestSegmentEdge(spec);
  }

  static String rdf(ModelCard card, Description about, Path files, int width, int height, int opset)
      throws IOException {
    ModelConfig spec = card.model();
    int minimum = InferenceGraph.smallestSegmentEdge(spec);
    int halo = spec.halo();
    Map<String, Object> rdf = new LinkedHashMap<>();
    rdf.put("format_version", FORMAT_VERSION);
    rdf.put("type", "model");
    rdf.put("name", about.name());
    rdf.put("description", about.description());
    List<Map<String, Object>> authors = new ArrayList<>();
    about.authors().forEach(a -> authors.add(Map.of("name", a)));
    rdf.put("authors", authors);
    rdf.put("cite", List.of(Map.of(
        "text", "Ronneberger, Fischer and Brox. U-Net: Convolutional Networks for Biomedical Image Segmentation. MICCAI 2015.",
        "doi", "10.1007/978-3-319-24574-4_28")));
    rdf.put("license", "Apache-2.0");
    rdf.put("documentation", "README.md");
    rdf.put("covers", List.of("cover.png"));
    rdf.put("tags", List.of("unet", "segmentation", "2d", "electron-microscopy", "tensorflow", "onnx", "unet-tf"));
    rdf.put("timestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("id", "image");
    input.put("description", "grey image, raw intensities from 0 to " + (long) about.inputMaximum());
    input.put("axes", List.of(
        Map.of("type", "batch"),
        space("y", Map.of("min", minimum, "step", 1), null),
        space("x", Map.of("min", minimum, "step", 1), null),
        Map.of("type", "channel", "channel_names", channelNames(spec.channels()))));
    input.put("test_tensor", file(files, "test_input.npy"));
    input.put("preprocessing", List.of(
        Map.of("id", "ensure_dtype", "kwargs", Map.of("dtype", "float32")),
        Map.of("id", "scale_linear", "kwargs", Map.of("gain", 1.0 / about.inputMaximum(), "offset", 0.0))));
    Map<String, Object> output = new LinkedHashMap<>();
    output.put("id", "probabilities");
    output.put("description", "class probabilities: " + String.join(", ", about.classNames()));
    output.put("axes", List.of(
        Map.of("type", "batch"),
        space("y", Map.of("tensor_id", "image", "axis_id", "y"), halo),
        space("x", Map.of("tensor_id", "image", "axis_id", "x"), halo),
        Map.of("type", "channel", "channel_names", about.classNames())));
    output.put("test_tensor", file(files, "test_output.npy"));
    output.put("data", Map.of("type", "float32", "range", List.of(0.0, 1.0)));
    rdf.put("inputs", List.of(input));
    rdf.put("outputs", List.of(output));
    Map<String, Object> savedModel = new LinkedHashMap<>(file(files, SAVED_MODEL));
    savedModel.put("tensorflow_version", Sessions.TensorFlowVersion.VERSION);
    Map<String, Object> onnx = new LinkedHashMap<>(file(files, ONNX));
    onnx.put("opset_version", opset);
    // The spec counts one entry as the original and the others as converted from it; both are written
    // from the same checkpoint, and the ONNX graph reproduces the SavedModel's test output.
    onnx.put("parent", "tensorflow_saved_model_bundle");
    onnx.put("comment", "Written by unet-tf from the same checkpoint as the SavedModel, in plain ONNX operators; it "
        + "reproduces the SavedModel's test output.");
    Map<String, Object> weights = new LinkedHashMap<>();
    weights.put("tensorflow_saved_model_bundle", savedModel);
    weights.put("onnx", onnx);
    rdf.put("weights", weights);
    rdf.put("config", Map.of(
        "bioimageio", Map.of("reproducibility_tolerance", List.of(Map.of(
            "absolute_tolerance", ABSOLUTE_TOLERANCE, "relative_tolerance", RELATIVE_TOLERANCE,
            "mismatched_elements_per_million", 0))),
        "unet_tf", Map.of("model", Schema.write(spec), "provenance", card.provenance(),
            "test_tile", List.of(height, width))));
    return ConfigWriter.toYaml(rdf);
  }

  private static Map<String, Object> space(String id, Map<String, Object> size, Integer halo) {
    Map<String, Object> axis = new LinkedHashMap<>();
    axis.put("type", "space");
    axis.put("id", id);
    axis.put("size", size);
    if (halo != null) {
      axis.put("halo", halo);
    }
    return axis;
  }

  private static List<String> channelNames(int channels) {
    return channels == 1 ? List.of("grey") : List.of("red", "green", "blue").subList(0, channels);
  }

  private static Map<String, Object> file(Path files, String name) throws IOException {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("source", name);
    entry.put("sha256", sha256(files.resolve(name)));
    return entry;
  }

  static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String readme(ModelCard card, Description about) {
    ModelConfig m = card.model();
    return "# " + about.name() + "\n\n" + about.description() + "\n\n"
        + "## Model\n\n"
        + String.format("The U-Net of Ronneberger, Fischer and Brox (2015): %d levels, %d filters at the first, %s "
            + "convolutions, %,d parameters, trained with unet-tf %s on TensorFlow %s.%n%n", m.depth(), m.filters(),
            m.padding().name().toLowerCase(), m.parameterCount(), card.provenance().getOrDefault("unet_tf", "?"),
            Sessions.TensorFlowVersion.VERSION)
        + "Weights: a TensorFlow SavedModel (" + SAVED_MODEL + ") and the same network as an ONNX model (" + ONNX
        + "), either of which gives the test output.\n\n"
        + "Input: a grey image of any size (at least " + InferenceGraph.smallestSegmentEdge(m) + " px a side), raw "
        + "intensities from 0 to " + (long) about.inputMaximum() + ". The model standardises them itself (mean "
        + String.format("%.4f, std %.4f in [0, 1] units) and mirror-pads the image inside the graph, so the output has "
            + "the input's size. Output: the probability of each class (%s) per pixel.%n%n", card.mean(), card.std(),
            String.join(", ", about.classNames()))
        + "## Training data\n\n" + about.trainingData() + "\n\n"
        + (about.metrics().isEmpty() ? "" : "## Validation\n\n" + about.metrics() + "\n\n")
        + "## Citation\n\nRonneberger O., Fischer P., Brox T. (2015) U-Net: Convolutional Networks for Biomedical Image "
        + "Segmentation. MICCAI 2015, LNCS 9351. doi:10.1007/978-3-319-24574-4_28\n";
  }

  /** Zips a folder tree, entries relative to it (the SavedModel layout inside savedmodel.zip). */
  private static void zipFolder(Path folder, Path zip) throws IOException {
    try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream out = new ZipOutputStream(file);
        Stream<Path> walk = Files.walk(folder)) {
      for (Path p : walk.sorted().toList()) {
        if (Files.isRegularFile(p)) {
          out.putNextEntry(new ZipEntry(folder.relativize(p).toString().replace('\\', '/')));
          Files.copy(p, out);
          out.closeEntry();
        }
      }
    }
  }

  private static void zipFlat(Path folder, OutputStream target) throws IOException {
    ZipOutputStream out = new ZipOutputStream(target);
    try (Stream<Path> list = Files.list(folder)) {
      for (Path p : list.sorted().toList()) {
        out.putNextEntry(new ZipEntry(p.getFileName().toString()));
        Files.copy(p, out);
        out.closeEntry();
      }
    }
    out.finish();
  }
}
