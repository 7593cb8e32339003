package org.unettf.model;

import java.util.Arrays;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.OperationAttributeInspector;
import org.tensorflow.TensorFlow;
import org.tensorflow.op.Ops;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * Gradients TensorFlow's C++ registry lacks. The registry is process-wide, so this is the one piece
 * of global state in the program, set once.
 */
public final class Gradients {
  private static boolean registered;

  private Gradients() {}

  /**
   * {@code SparseSoftmaxCrossEntropyWithLogits}: d loss / d logits is the op's second output
   * ({@code backprop} = softmax − one-hot) scaled by the incoming gradient; the integer labels get
   * a zero gradient, since TF wants one for every input.
   */
  @SuppressWarnings("unchecked")
  public static synchronized void register() {
    if (registered) {
      return;
    }
    TensorFlow.registerCustomGradient("SparseSoftmaxCrossEntropyWithLogits", (tf, op, upstream) -> {
      Operand<TFloat32> backprop = (Operand<TFloat32>) (Operand<? extends TType>) op.output(1);
      Operand<TFloat32> lossGrad = (Operand<TFloat32>) (Operand<? extends TType>) upstream.get(0);
      Operand<TFloat32> logitsGrad = tf.math.mul(tf.expandDims(lossGrad, tf.constant(-1)), backprop);
      Operand<? extends TType> labels = op.input(1);
      return List.of(logitsGrad, tf.zerosLike(labels));
    });
    // d/dx is the upstream gradient itself; d/dbias sums it over all pixels as ones · g, a matrix
    // product TensorFlow does not fuse into the convolution's weight gradient (see Layers.bias).
    TensorFlow.registerCustomGradient("BiasAddV1", (tf, op, upstream) -> {
      Operand<TFloat32> grad = (Operand<TFloat32>) (Operand<? extends TType>) upstream.get(0);
      Operand<TFloat32> bias = (Operand<TFloat32>) (Operand<? extends TType>) op.input(1);
      return List.of(grad, channelSums(tf, grad, bias));
    });
    // ReLU(conv(x, W) + b) as built by Layers.convBiasRelu. The ReLU's gradient gates the upstream
    // gradient by the op's output (positive exactly where its input is); x and W then get the
    // convolution's own gradients, and b the per-channel sums as above.
    TensorFlow.registerCustomGradient("_FusedConv2D", (tf, op, upstream) -> {
      OperationAttributeInspector attributes = op.attributes();
      List<String> fused = List.of(attributes.getAttrStringList("fused_ops"));
      String format = attributes.getAttrString("data_format");
      if (!fused.equals(List.of("BiasAdd", "Relu")) || !format.equals("NHWC")) {
        throw new IllegalStateException("no gradient for _FusedConv2D with fused_ops " + fused + " in " + format);
      }
      Operand<TFloat32> grad = (Operand<TFloat32>) (Operand<? extends TType>) upstream.get(0);
      Operand<TFloat32> x = (Operand<TFloat32>) (Operand<? extends TType>) op.input(0);
      Operand<TFloat32> kernel = (Operand<TFloat32>) (Operand<? extends TType>) op.input(1);
      Operand<TFloat32> bias = (Operand<TFloat32>) (Operand<? extends TType>) op.input(2);
      Operand<TFloat32> y = (Operand<TFloat32>) (Operand<? extends TType>) op.output(0);
      Operand<TFloat32> gated = tf.nn.reluGrad(grad, y);
      List<Long> strides = toList(attributes.getAttrIntList("strides"));
      String padding = attributes.getAttrString("padding");
      return List.of(
          tf.nn.conv2dBackpropInput(tf.shape(x), kernel, gated, strides, padding),
          tf.nn.conv2dBackpropFilter(x, tf.shape(kernel), gated, strides, padding),
          channelSums(tf, gated, bias));
    });
    registered = true;
  }

  /** The sum over all pixels of each channel of {@code grad}, as ones · g. */
  private static Operand<TFloat32> channelSums(Ops tf, Operand<TFloat32> grad, Operand<TFloat32> bias) {
    Operand<TFloat32> pixels = tf.reshape(grad, tf.stack(List.of(tf.constant(-1), tf.size(bias))));
    Operand<TInt32> count = tf.slice(tf.shape(pixels), tf.constant(new int[] {0}), tf.constant(new int[] {1}));
    Operand<TFloat32> ones = tf.fill(tf.concat(List.of(count, tf.constant(new int[] {1})), tf.constant(0)),
        tf.constant(1f));
    Operand<TFloat32> sums = tf.linalg.matMul(ones, pixels, MatMul.transposeA(true));
    return tf.reshape(sums, tf.shape(bias));
  }

  private static List<Long> toList(long[] values) {
    return Arrays.stream(values).boxed().toList();
  }
}
