package org.unettf.model;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.TensorFlow;
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
      Operand<TFloat32> pixels = tf.reshape(grad, tf.stack(List.of(tf.constant(-1), tf.size(bias))));
      Operand<TInt32> count = tf.slice(tf.shape(pixels), tf.constant(new int[] {0}), tf.constant(new int[] {1}));
      Operand<TFloat32> ones = tf.fill(tf.concat(List.of(count, tf.constant(new int[] {1})), tf.constant(0)),
          tf.constant(1f));
      Operand<TFloat32> sums = tf.linalg.matMul(ones, pixels, MatMul.transposeA(true));
      return List.of(grad, tf.reshape(sums, tf.shape(bias)));
    });
    registered = true;
  }
}
