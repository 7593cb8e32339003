package org.unettf.model;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** The paper's energy (eq. 1): pixel-wise softmax cross-entropy weighted by the weight map. */
public final class Loss {
  private Loss() {}

  /**
   * {@code Σ w(x)·(−log p_l(x)(x)) / Σ w(x)}, normalised by the weights so the loss stays on the
   * scale of a plain cross-entropy whatever the weight map's magnitude.
   */
  public static Operand<TFloat32> weightedCrossEntropy(
      Ops tf, Operand<TFloat32> logits, Operand<TInt32> labels, Operand<TFloat32> weights, int classes) {
    Ops scoped = tf.withSubScope("loss");
    Operand<TFloat32> flatLogits = scoped.reshape(logits, scoped.constant(new int[] {-1, classes}));
    Operand<TInt32> flatLabels = scoped.reshape(labels, scoped.constant(new int[] {-1}));
    Operand<TFloat32> flatWeights = scoped.reshape(weights, scoped.constant(new int[] {-1}));
    Operand<TFloat32> perPixel = scoped.nn.sparseSoftmaxCrossEntropyWithLogits(flatLogits, flatLabels).loss();
    Operand<TInt32> all = scoped.constant(0);
    return scoped.withName("weighted_cross_entropy").math.div(
        scoped.reduceSum(scoped.math.mul(perPixel, flatWeights), all),
        scoped.reduceSum(flatWeights, all));
  }
}
