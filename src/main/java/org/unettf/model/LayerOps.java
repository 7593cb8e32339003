package org.unettf.model;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.unettf.config.ModelConfig.Padding;

/**
 * The TensorFlow ops the paper's layers are made of: as every TensorFlow runs them, and the
 * equivalents a {@link Tuning} may choose for oneDNN's CPU kernels instead. Built with the op
 * builder where the {@code Ops} API would pick another op than the one meant.
 */
final class LayerOps {
  private static final List<Long> ONES = List.of(1L, 1L, 1L, 1L);

  private LayerOps() {}

  static String name(Padding padding) {
    return padding == Padding.VALID ? "VALID" : "SAME";
  }

  /** A 2-D convolution, stride 1. */
  static Operand<TFloat32> conv(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel, Padding padding) {
    return tf.nn.conv2d(x, kernel, ONES, name(padding));
  }

  static Operand<TFloat32> biasAdd(Ops tf, Operand<TFloat32> x, Operand<TFloat32> bias) {
    return tf.nn.biasAdd(x, bias);
  }

  /**
   * {@code x} plus a bias per channel as {@code BiasAddV1}, whose gradient ({@link Gradients})
   * sums the upstream gradient with a matrix product rather than {@code BiasAddGrad}: oneDNN
   * fuses a {@code BiasAddGrad} into the convolution's weight gradient, and the fused kernel runs
   * slower than the two apart.
   */
  @SuppressWarnings("unchecked")
  static Operand<TFloat32> biasAddV1(Ops tf, Operand<TFloat32> x, Operand<TFloat32> bias) {
    Gradients.register();
    Operation add = tf.scope().opBuilder("BiasAddV1", "BiasAddV1")
        .addInput(x.asOutput())
        .addInput(bias.asOutput())
        .build();
    return (Output<TFloat32>) add.<TFloat32>output(0);
  }

  /**
   * ReLU(convolution + bias) as one {@code _FusedConv2D} op, whose gradient ({@link Gradients})
   * reads the op's output: TensorFlow fuses the ReLU into the convolution only where nothing else
   * reads the ReLU's input, and the stock ReLU gradient does, so a training graph would otherwise
   * pay a separate pass over every feature map.
   */
  @SuppressWarnings("unchecked")
  static Operand<TFloat32> fusedConvBiasRelu(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel,
      Operand<TFloat32> bias, Padding padding) {
    Gradients.register();
    Operation fused = tf.scope().opBuilder("_FusedConv2D", "ConvBiasRelu")
        .addInput(x.asOutput())
        .addInput(kernel.asOutput())
        .addInputList(new Output<?>[] {bias.asOutput()})
        .addInputList(new Output<?>[0])
        .setAttr("num_args", 1L)
        .setAttr("strides", new long[] {1, 1, 1, 1})
        .setAttr("padding", name(padding))
        .setAttr("fused_ops", new String[] {"BiasAdd", "Relu"})
        .build();
    return (Output<TFloat32>) fused.<TFloat32>output(0);
  }

  /** The paper's 2×2 up-convolution, stride 2, from {@code kernel} {@code [2, 2, out, in]}: a transposed convolution. */
  static Operand<TFloat32> transposedUpConv(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel) {
    long out = kernel.shape().size(2);
    Operand<TInt32> upShape = tf.concat(List.of(tf.math.mul(pixels(tf, x), tf.constant(new int[] {1, 2, 2})),
        tf.constant(new int[] {(int) out})), tf.constant(0));
    return tf.nn.conv2dBackpropInput(upShape, kernel, x, List.of(1L, 2L, 2L, 1L), "VALID");
  }

  /**
   * The same up-convolution as one matrix product per pixel, {@code in} → {@code 2·2·out}, whose
   * four outputs DepthToSpace lays out as the pixel's 2×2 block: the windows do not overlap, and
   * oneDNN runs the matrix product near its peak where it runs strided transposed convolutions and
   * their weight gradients far below it. The kernel's layout is the same either way.
   */
  static Operand<TFloat32> matMulUpConv(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel) {
    long in = kernel.shape().size(3);
    long out = kernel.shape().size(2);
    // [2, 2, out, in] → [in, (row, column, out)], DepthToSpace's order within a block.
    Operand<TFloat32> weights = tf.reshape(tf.linalg.transpose(kernel, tf.constant(new int[] {3, 0, 1, 2})),
        tf.constant(new long[] {in, 4 * out}));
    Operand<TFloat32> y = tf.linalg.matMul(tf.reshape(x, tf.constant(new long[] {-1, in})), weights);
    Operand<TFloat32> blocks = tf.reshape(y,
        tf.concat(List.of(pixels(tf, x), tf.constant(new int[] {(int) (4 * out)})), tf.constant(0)));
    return tf.nn.depthToSpace(blocks, 2L);
  }

  private static Operand<TInt32> pixels(Ops tf, Operand<TFloat32> x) {
    return tf.slice(tf.shape(x), tf.constant(new int[] {0}), tf.constant(new int[] {3}));
  }

  /**
   * 2×2 max-pooling with stride 2, as the original {@code MaxPool} op, whose window is an
   * attribute: TensorFlow runs that one (and its gradient) on oneDNN, while {@code MaxPoolV2}, the
   * op {@code tf.nn.maxPool} makes, falls back to slower Eigen kernels. Every runtime knows both.
   */
  @SuppressWarnings("unchecked")
  static Operand<TFloat32> maxPool(Ops tf, Operand<TFloat32> x) {
    long[] window = {1, 2, 2, 1};
    Operation pool = tf.scope().opBuilder("MaxPool", "MaxPool")
        .addInput(x.asOutput())
        .setAttr("ksize", window)
        .setAttr("strides", window)
        .setAttr("padding", "VALID")
        .build();
    return (Output<TFloat32>) pool.<TFloat32>output(0);
  }

  /** Dropout from a stateless generator seeded per step, so a resumed run draws the same masks. */
  static Operand<TFloat32> dropout(Ops tf, Operand<TFloat32> x, double rate, Operand<TInt64> stepSeed) {
    float keep = (float) (1 - rate);
    Operand<TFloat32> uniform = tf.random.statelessRandomUniform(tf.shape(x), stepSeed);
    Operand<TFloat32> mask = tf.math.floor(tf.math.add(uniform, tf.constant(keep)));
    return tf.math.mul(x, tf.math.mul(mask, tf.constant(1f / keep)));
  }
}
