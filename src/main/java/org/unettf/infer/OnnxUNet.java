package org.unettf.infer;

import static org.unettf.infer.OnnxGraph.attribute;
import static org.unettf.infer.OnnxGraph.ints;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.unettf.config.ModelConfig;
import org.unettf.data.Normalization;

/**
 * The U-Net of {@link org.unettf.model.UNet} in plain ONNX operators, block by block as
 * {@code UNet.logits} applies them, NCHW inside. Initializers keep the checkpoint's variable
 * names; kernels are transposed to ONNX's layouts on the way in.
 */
final class OnnxUNet {
  /** Keras' default, which {@code Blocks.BatchNorm} uses too. */
  private static final float BATCH_NORM_EPSILON = 1e-3f;
  /**
   * TensorFlow's kernels {@code [h, w, in, out]} to ONNX's {@code [out, in, h, w]}; the same
   * permutation takes up-convolutions' {@code [h, w, out, in]} to ConvTranspose's {@code [in, out, h, w]}.
   */
  private static final int[] KERNEL_TO_ONNX = {3, 2, 0, 1};

  /** A variable as the checkpoint holds it: TensorFlow's shape and row-major values. */
  record Weights(long[] shape, float[] values) {}

  private final OnnxGraph g;
  private final ModelConfig spec;
  private final Map<String, Weights> variables;
  private final Set<String> unused;
  private final long pad;

  private OnnxUNet(OnnxGraph g, ModelConfig spec, Map<String, Weights> variables) {
    this.g = g;
    this.spec = spec;
    this.variables = variables;
    this.unused = new LinkedHashSet<>(variables.keySet());
    this.pad = spec.padding() == ModelConfig.Padding.SAME ? 1 : 0;
  }

  /**
   * The whole graph: input {@code image [batch, H, W, channels]}, outputs {@code probabilities
   * [batch, h, w, classes]} and {@code labels [batch, h, w]}, as the SavedModel's
   * {@code serving_default} has them, or with {@code anySize} as its {@code segment} signature.
   */
  static GraphProto graph(ModelCard card, Map<String, Weights> variables, boolean anySize, String doc) {
    ModelConfig spec = card.model();
    OnnxGraph g = new OnnxGraph();
    OnnxUNet net = new OnnxUNet(g, spec, variables);
    long channels = spec.channels();
    long classes = spec.classes();
    List<Object> in;
    List<Object> out;
    if (anySize || (card.fixedTile() == 0 && spec.padding() == ModelConfig.Padding.SAME)) {
      in = List.of("batch", "height", "width", channels);
      out = List.of("batch", "height", "width", classes);
    } else if (card.fixedTile() > 0) {
      long edge = card.fixedTile();
      long outEdge = spec.outputSize(card.fixedTile());
      in = List.of("batch", edge, edge, channels);
      out = List.of("batch", outEdge, outEdge, classes);
    } else {
      in = List.of("batch", "height", "width", channels);
      out = List.of("batch", "out_height", "out_width", classes);
    }
    g.input("image", DataType.FLOAT, in);
    String probabilities;
    if (anySize) {
      String shape = g.node("Shape", "segment/shape", List.of("image"));
      String size = g.node("Slice", "segment/height_width",
          List.of(shape, g.longs("segment/one", 1), g.longs("segment/three", 3)));
      String padded = mirrorPad(g, spec, "image", size);
      String full = net.probabilities(padded, card.normalization(), card.calibration(), "segment/full_probabilities");
      long offset = spec.padding() == ModelConfig.Padding.SAME ? spec.alignment() : 0;
      probabilities = g.node("Slice", "probabilities", List.of(full, g.longs("segment/crop_begin", offset, offset),
          g.node("Add", "segment/crop_end", List.of(size, g.longs("segment/offset", offset))),
          g.longs("segment/crop_axes", 1, 2)));
    } else {
      probabilities = net.probabilities("image", card.normalization(), card.calibration(), "probabilities");
    }
    String argmax = g.node("ArgMax", "argmax", List.of(probabilities), attribute("axis", -1L),
        attribute("keepdims", 0L));
    String labels = g.node("Cast", "labels", List.of(argmax), attribute("to", (long) DataType.INT32.getNumber()));
    g.output(probabilities, DataType.FLOAT, out);
    g.output(labels, DataType.INT32, List.copyOf(out.subList(0, 3)));
    if (!net.unused.isEmpty()) {
      throw new IllegalStateException("variables the ONNX graph does not use: " + net.unused);
    }
    return g.build("unet", doc);
  }

  /**
   * Mirror padding to the next size the network accepts, as {@code InferenceGraph.segmentHead}
   * computes it: {@code context} pixels before each edge, and after it what brings
   * {@code context + n + after} to the smallest input whose output covers {@code n}.
   */
  private static String mirrorPad(OnnxGraph g, ModelConfig spec, String image, String size) {
    boolean same = spec.padding() == ModelConfig.Padding.SAME;
    long context = same ? spec.alignment() : spec.margin();
    long a = spec.alignment();
    long s0 = spec.smallestInput();
    long o0 = same ? s0 - 2 * context : spec.outputSize(spec.smallestInput());
    // k = max(0, ceil((n − o0) / a)); int64 Div truncates towards zero, which max(0, ·) makes floor's answer.
    String k = g.node("Max", "segment/steps", List.of(
        g.node("Div", "segment/steps_div", List.of(
            g.node("Add", "segment/steps_num", List.of(size, g.longs("segment/round_up", a - 1 - o0))),
            g.longs("segment/alignment", a))),
        g.longs("segment/zero", 0)));
    String input = g.node("Add", "segment/input_size", List.of(
        g.node("Mul", "segment/steps_size", List.of(k, g.longs("segment/alignment_step", a))),
        g.longs("segment/smallest_input", s0)));
    String after = g.node("Sub", "segment/pad_after", List.of(input,
        g.node("Add", "segment/covered", List.of(size, g.longs("segment/context", context)))));
    // ONNX pads are all begins, then all ends: [0, context, context, 0, 0, after_h, after_w, 0].
    String pads = g.node("Concat", "segment/pads", List.of(g.longs("segment/pads_begin", 0, context, context, 0, 0),
        after, g.longs("segment/pads_end", 0)), attribute("axis", 0L));
    return g.node("Pad", "segment/mirror_pad", List.of(image, pads), attribute("mode", "reflect"));
  }

  /** NHWC class probabilities, {@code softmax(logits − log w_c)} given class weights (see {@code Loss.probabilities}). */
  private String probabilities(String image, Normalization normalization, double[] calibration, String name) {
    String logits = g.node("Transpose", "unet/to_nhwc", List.of(logits(image, normalization)),
        ints("perm", 0, 2, 3, 1));
    if (calibration != null) {
      float[] logWeights = new float[calibration.length];
      for (int c = 0; c < calibration.length; c++) {
        logWeights[c] = (float) Math.log(calibration[c]);
      }
      logits = g.node("Sub", "calibrate", List.of(logits,
          g.floats("log_class_weights", new long[] {calibration.length}, logWeights)));
    }
    return g.node("Softmax", name, List.of(logits), attribute("axis", -1L));
  }

  /** NCHW logits for an NHWC image of raw intensities, standardised first as in {@code UNet.standardise}. */
  private String logits(String image, Normalization normalization) {
    String x = g.node("Transpose", "unet/to_nchw", List.of(image), ints("perm", 0, 3, 1, 2));
    String mean = g.scalar("unet/standardise/mean", (float) normalization.mean());
    String std = g.scalar("unet/standardise/std", (float) normalization.std());
    x = g.node("Div", "unet/standardise/div", List.of(g.node("Sub", "unet/standardise/sub", List.of(x, mean)), std));
    x = doubleConv("unet.inc", x);
    List<String> skips = new ArrayList<>();
    for (int level = 1; level < spec.depth(); level++) {
      skips.add(x);
      x = g.node("MaxPool", "unet/down" + level + "/MaxPool", List.of(x), ints("kernel_shape", 2, 2),
          ints("strides", 2, 2));
      x = doubleConv("unet.down" + level, x);
    }
    long[] crops = cropOffsets(spec);
    for (int i = 0; i < spec.depth() - 1; i++) {
      int level = spec.depth() - 2 - i;
      x = up("unet.up" + (i + 1), x, skips.get(level), crops[level]);
    }
    return g.node("Conv", "unet/outc/Conv", List.of(x, kernel("unet.outc.kernel"), vector("unet.outc.bias")),
        ints("kernel_shape", 1, 1));
  }

  /** {@code Blocks.DoubleConv}: (3×3 convolution → (batch norm) → ReLU) × 2. */
  private String doubleConv(String scope, String x) {
    return conv(scope + ".conv2", conv(scope + ".conv1", x));
  }

  private String conv(String scope, String x) {
    String path = scope.replace('.', '/');
    List<String> inputs = new ArrayList<>(List.of(x, kernel(scope + ".kernel")));
    if (!spec.batchNorm()) {
      inputs.add(vector(scope + ".bias"));
    }
    String y = g.node("Conv", path + "/Conv", inputs, ints("kernel_shape", 3, 3), ints("pads", pad, pad, pad, pad));
    if (spec.batchNorm()) {
      String norm = scope + ".batch_norm.";
      y = g.node("BatchNormalization", path + "/batch_norm", List.of(y, vector(norm + "gamma"), vector(norm + "beta"),
          vector(norm + "moving_mean"), vector(norm + "moving_variance")), attribute("epsilon", BATCH_NORM_EPSILON));
    }
    return g.node("Relu", path + "/Relu", List.of(y));
  }

  /**
   * {@code Blocks.Up}: the 2×2 up-convolution with stride 2, the centre of the skip connection
   * cut to its size, the two concatenated (skip first), then a DoubleConv.
   */
  private String up(String scope, String x, String skip, long crop) {
    String path = scope.replace('.', '/');
    String up = g.node("ConvTranspose", path + "/up_conv", List.of(x, kernel(scope + ".up_conv.kernel"),
        vector(scope + ".up_conv.bias")), ints("kernel_shape", 2, 2), ints("strides", 2, 2));
    String cropped = crop == 0 ? skip : g.node("Slice", path + "/crop", List.of(skip,
        g.longs(path + "/crop/begin", crop, crop), g.longs(path + "/crop/end", -crop, -crop),
        g.longs(path + "/crop/axes", 2, 3)));
    return doubleConv(scope, g.node("Concat", path + "/concat", List.of(cropped, up), attribute("axis", 1L)));
  }

  /**
   * Pixels cut from each side of the skip connection at every level. With valid convolutions they
   * are the same for every input the network accepts, since each level's sizes grow in step;
   * with same padding, none.
   */
  static long[] cropOffsets(ModelConfig spec) {
    long[] crops = new long[spec.depth() - 1];
    if (spec.padding() == ModelConfig.Padding.SAME) {
      return crops;
    }
    long[] skips = new long[spec.depth() - 1];
    long s = spec.smallestInput();
    for (int level = 0; level < spec.depth() - 1; level++) {
      skips[level] = s - 4;
      s = (s - 4) / 2;
    }
    s -= 4;
    for (int level = spec.depth() - 2; level >= 0; level--) {
      s *= 2;
      crops[level] = (skips[level] - s) / 2;
      s -= 4;
    }
    return crops;
  }

  private String kernel(String name) {
    Weights w = take(name);
    long[] shape = new long[4];
    for (int i = 0; i < 4; i++) {
      shape[i] = w.shape()[KERNEL_TO_ONNX[i]];
    }
    return g.floats(name, shape, permute(w.values(), w.shape(), KERNEL_TO_ONNX));
  }

  private String vector(String name) {
    Weights w = take(name);
    return g.floats(name, w.shape(), w.values());
  }

  private Weights take(String name) {
    Weights w = variables.get(name);
    if (w == null) {
      throw new IllegalStateException("the checkpoint has no variable " + name + "; it has " + variables.keySet());
    }
    unused.remove(name);
    return w;
  }

  /** A 4-D row-major array with its axes reordered: output axis i is input axis {@code perm[i]}. */
  static float[] permute(float[] values, long[] shape, int[] perm) {
    int[] dims = new int[4];
    int[] strides = new int[4];
    int stride = 1;
    for (int i = 3; i >= 0; i--) {
      strides[i] = stride;
      stride *= (int) shape[i];
    }
    for (int i = 0; i < 4; i++) {
      dims[i] = (int) shape[perm[i]];
    }
    float[] out = new float[values.length];
    int o = 0;
    for (int a = 0; a < dims[0]; a++) {
      for (int b = 0; b < dims[1]; b++) {
        for (int c = 0; c < dims[2]; c++) {
          for (int d = 0; d < dims[3]; d++) {
            int from = a * strides[perm[0]] + b * strides[perm[1]] + c * strides[perm[2]] + d * strides[perm[3]];
            out[o++] = values[from];
          }
        }
      }
    }
    return out;
  }
}
