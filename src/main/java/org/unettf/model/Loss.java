package org.unettf.model;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** The paper's energy (eq. 1): pixel-wise softmax cross-entropy weighted by the weight map. */
public final class Loss {
  private Loss() {}

  /**
   * A batch's share of the paper's weighted cross-entropy: {@code Σ w(x)·(−log p_l(x)(x))} over
   * this part of the batch, divided by the whole batch's {@code Σ w(x)} ({@code totalWeight}), so
   * that the shares of several towers add up to the batch's loss and the loss stays on a plain
   * cross-entropy's scale whatever the weight map's magnitude.
   */
  public static Operand<TFloat32> crossEntropyShare(Ops tf, Operand<TFloat32> logits, Operand<TInt32> labels,
      Operand<TFloat32> weights, int classes, Operand<TFloat32> totalWeight) {
    return tf.math.div(weightedSum(tf, logits, labels, weights, classes), totalWeight);
  }

  /** The numerator {@code Σ w(x)·(−log p_l(x)(x))}. */
  static Operand<TFloat32> weightedSum(
      Ops tf, Operand<TFloat32> logits, Operand<TInt32> labels, Operand<TFloat32> weights, int classes) {
    Operand<TFloat32> flatLogits = tf.reshape(logits, tf.constant(new int[] {-1, classes}));
    Operand<TInt32> flatLabels = tf.reshape(labels, tf.constant(new int[] {-1}));
    Operand<TFloat32> flatWeights = tf.reshape(weights, tf.constant(new int[] {-1}));
    Operand<TFloat32> perPixel = tf.nn.sparseSoftmaxCrossEntropyWithLogits(flatLogits, flatLabels).loss();
    return tf.reduceSum(tf.math.mul(perPixel, flatWeights), tf.constant(0));
  }

  /**
   * Per class, the soft Dice sums of a batch: {@code Σ p·g} (intersection) and {@code Σ p + Σ g}
   * (sizes), {@code p} the predicted probabilities and {@code g} the one-hot labels. Sums over
   * several towers' batches add up to the whole batch's.
   */
  public record DiceSums(Operand<TFloat32> intersection, Operand<TFloat32> sizes) {}

  public static DiceSums diceSums(Ops tf, Operand<TFloat32> probabilities, Operand<TInt32> labels, int classes) {
    Operand<TFloat32> flat = tf.reshape(probabilities, tf.constant(new int[] {-1, classes}));
    Operand<TFloat32> oneHot = tf.oneHot(tf.reshape(labels, tf.constant(new int[] {-1})), tf.constant(classes),
        tf.constant(1f), tf.constant(0f));
    Operand<TInt32> pixels = tf.constant(0);
    return new DiceSums(
        tf.reduceSum(tf.math.mul(flat, oneHot), pixels),
        tf.math.add(tf.reduceSum(flat, pixels), tf.reduceSum(oneHot, pixels)));
  }

  /** {@code 1 − mean_k (2·I_k + ε) / (S_k + ε)}, ε keeping classes absent from a batch harmless. */
  public static Operand<TFloat32> dice(Ops tf, DiceSums sums) {
    Operand<TFloat32> eps = tf.constant(1f);
    Operand<TFloat32> perClass = tf.math.div(
        tf.math.add(tf.math.mul(tf.constant(2f), sums.intersection()), eps), tf.math.add(sums.sizes(), eps));
    return tf.math.sub(tf.constant(1f), tf.math.mean(perClass, tf.constant(0)));
  }

  /**
   * Class probabilities from logits, with the class weights the loss used divided back out:
   * {@code softmax(logits − log w_c)}. The weighted loss is least where the network's softmax is
   * {@code q_c ∝ w_c·p_c}, so this recovers the calibrated {@code p_c}. Null weights: plain softmax.
   */
  public static Operand<TFloat32> probabilities(Ops tf, Operand<TFloat32> logits, double[] classWeights) {
    if (classWeights == null) {
      return tf.nn.softmax(logits);
    }
    float[] logWeights = new float[classWeights.length];
    for (int c = 0; c < logWeights.length; c++) {
      logWeights[c] = (float) Math.log(classWeights[c]);
    }
    return tf.nn.softmax(tf.math.sub(logits, tf.constant(logWeights)));
  }

  public static Operand<TFloat32> totalWeight(Ops tf, Operand<TFloat32> weights) {
    return tf.reduceSum(tf.reshape(weights, tf.constant(new int[] {-1})), tf.constant(0));
  }
}
