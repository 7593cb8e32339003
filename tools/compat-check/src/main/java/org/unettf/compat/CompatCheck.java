package org.unettf.compat;

import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.TensorFlow;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.framework.SignatureDef;
import org.tensorflow.types.TFloat32;

/**
 * Runs a unet-tf SavedModel in TF Java 0.5.0 (TensorFlow 2.10) and compares its output with what
 * unet-tf itself computed on TensorFlow 2.18.
 *
 * <pre>
 *   savedmodel DIR IMAGES.tif EXPECTED.tif   the 'segment' signature on every slice of IMAGES
 *                                            against EXPECTED (cell probabilities), to 1e-5
 *   bioimageio PACKAGE.zip                   the package's SavedModel on its test_input.npy
 *                                            against its test_output.npy, within rdf.yaml's tolerance
 * </pre>
 */
public final class CompatCheck {
  private CompatCheck() {}

  public static void main(String[] args) throws Exception {
    System.out.println("TensorFlow " + TensorFlow.version() + " (TF Java 0.5.0)");
    if (args.length == 4 && args[0].equals("savedmodel")) {
      savedModel(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]));
    } else if (args.length == 2 && args[0].equals("bioimageio")) {
      bioimageio(Path.of(args[1]));
    } else {
      System.err.println("usage: compat-check savedmodel DIR IMAGES.tif EXPECTED.tif | bioimageio PACKAGE.zip");
      System.exit(2);
    }
  }

  static void savedModel(Path dir, Path images, Path expected) throws Exception {
    List<float[]> slices = readTiff(images, 1f / 255);
    List<float[]> reference = readTiff(expected, 1f);
    int size = (int) Math.round(Math.sqrt(slices.get(0).length));
    double worst = 0;
    try (SavedModelBundle bundle = SavedModelBundle.load(dir.toString(), "serve")) {
      SignatureDef segment = bundle.metaGraphDef().getSignatureDefMap().get("segment");
      String input = segment.getInputsMap().get("image").getName();
      String output = segment.getOutputsMap().get("probabilities").getName();
      for (int z = 0; z < slices.size(); z++) {
        float[] out = run(bundle, input, output, slices.get(z), Shape.of(1, size, size, 1));
        float[] cell = channel(out, 2, 1);
        worst = Math.max(worst, maxDifference(cell, reference.get(z)));
      }
    }
    report(worst <= 1e-5, String.format("%d slices: largest difference from TF 2.18's probabilities %.2e (allowed 1e-5)",
        slices.size(), worst));
  }

  static void bioimageio(Path zip) throws Exception {
    Path dir = Files.createTempDirectory("bioimageio");
    unzip(Files.newInputStream(zip), dir);
    String rdf = Files.readString(dir.resolve("rdf.yaml"));
    Path weights = dir.resolve(field(rdf, "tensorflow_saved_model_bundle:\\s*\\n\\s*source:\\s*(\\S+)"));
    Path savedModel = Files.createDirectories(dir.resolve("savedmodel"));
    unzip(Files.newInputStream(weights), savedModel);
    double gain = Double.parseDouble(field(rdf, "gain:\\s*([0-9.eE+-]+)"));
    double absolute = Double.parseDouble(field(rdf, "absolute_tolerance:\\s*([0-9.eE+-]+)"));
    double relative = Double.parseDouble(field(rdf, "relative_tolerance:\\s*([0-9.eE+-]+)"));
    Npy input = Npy.read(dir.resolve(field(rdf, "inputs:[\\s\\S]*?test_tensor:\\s*\\n\\s*source:\\s*(\\S+)")));
    Npy expected = Npy.read(dir.resolve(field(rdf, "outputs:[\\s\\S]*?test_tensor:\\s*\\n\\s*source:\\s*(\\S+)")));
    float[] scaled = input.data().clone();
    for (int i = 0; i < scaled.length; i++) {
      scaled[i] *= (float) gain;
    }
    float[] out;
    try (SavedModelBundle bundle = SavedModelBundle.load(savedModel.toString(), "serve")) {
      SignatureDef serving = bundle.metaGraphDef().getSignatureDefMap().get("serving_default");
      String in = serving.getInputsMap().values().iterator().next().getName();
      String o = serving.getOutputsMap().get("probabilities").getName();
      out = run(bundle, in, o, scaled, Shape.of(input.shape()));
    }
    if (out.length != expected.data().length) {
      report(false, "output has " + out.length + " values, test_output.npy " + expected.data().length);
    }
    int bad = 0;
    double worst = 0;
    for (int i = 0; i < out.length; i++) {
      double d = Math.abs(out[i] - expected.data()[i]);
      worst = Math.max(worst, d);
      if (d > absolute + relative * Math.abs(expected.data()[i])) {
        bad++;
      }
    }
    report(bad == 0, String.format("bioimage.io package: %s output values, %d outside |a - b| <= %.0e + %.0e·|b|, "
        + "largest difference %.2e", Arrays.toString(expected.shape()), bad, absolute, relative, worst));
  }

  private static float[] run(SavedModelBundle bundle, String input, String output, float[] values, Shape shape) {
    try (TFloat32 in = TFloat32.tensorOf(shape, DataBuffers.of(values, true, false));
        Result result = bundle.session().runner().feed(input, in).fetch(output).run()) {
      TFloat32 t = (TFloat32) result.get(0);
      float[] out = new float[(int) t.shape().size()];
      t.read(DataBuffers.of(out, false, false));
      return out;
    }
  }

  private static float[] channel(float[] values, int channels, int c) {
    float[] out = new float[values.length / channels];
    for (int i = 0; i < out.length; i++) {
      out[i] = values[i * channels + c];
    }
    return out;
  }

  private static double maxDifference(float[] a, float[] b) {
    if (a.length != b.length) {
      return Double.POSITIVE_INFINITY;
    }
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - b[i]));
    }
    return worst;
  }

  private static List<float[]> readTiff(Path file, float scale) throws IOException {
    List<float[]> pages = new ArrayList<>();
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      ImageReader reader = ImageIO.getImageReaders(in).next();
      reader.setInput(in);
      for (int i = 0; i < reader.getNumImages(true); i++) {
        Raster r = reader.read(i).getRaster();
        float[] px = r.getPixels(0, 0, r.getWidth(), r.getHeight(), (float[]) null);
        for (int k = 0; k < px.length; k++) {
          px[k] *= scale;
        }
        pages.add(px);
      }
    }
    return pages;
  }

  private static String field(String yaml, String regex) {
    Matcher m = Pattern.compile(regex).matcher(yaml);
    if (!m.find()) {
      report(false, "rdf.yaml has no match for " + regex);
    }
    return m.group(1).replace("'", "").replace("\"", "");
  }

  private static void unzip(InputStream zip, Path target) throws IOException {
    try (ZipInputStream in = new ZipInputStream(zip)) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        Path out = target.resolve(e.getName()).normalize();
        if (!out.startsWith(target)) {
          throw new IOException("zip entry outside the target: " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(out);
        } else {
          Files.createDirectories(out.getParent());
          Files.copy(in, out);
        }
      }
    }
  }

  private static void report(boolean ok, String message) {
    if (ok) {
      System.out.println("ok: " + message);
    } else {
      System.err.println("error: " + message);
      System.exit(1);
    }
  }

  /** A float32 .npy array: shape and row-major values. */
  record Npy(long[] shape, float[] data) {
    static Npy read(Path file) throws IOException {
      ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
      int major = b.get(6);
      int headerLength = major == 1 ? b.getShort(8) & 0xffff : b.getInt(8);
      int start = major == 1 ? 10 : 12;
      String header = new String(b.array(), start, headerLength, StandardCharsets.ISO_8859_1);
      if (!header.contains("'<f4'") || header.contains("'fortran_order': True")) {
        throw new IOException(file + ": expected a little-endian float32 C-order array, header " + header.trim());
      }
      Matcher m = Pattern.compile("'shape': \\(([^)]*)\\)").matcher(header);
      m.find();
      long[] shape = Arrays.stream(m.group(1).split(",")).map(String::trim).filter(s -> !s.isEmpty())
          .mapToLong(Long::parseLong).toArray();
      b.position(start + headerLength);
      float[] data = new float[(int) Arrays.stream(shape).reduce(1, (x, y) -> x * y)];
      b.asFloatBuffer().get(data);
      return new Npy(shape, data);
    }
  }

}
