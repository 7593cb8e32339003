package org.unettf.model;

import java.util.List;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Stack;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Runs a valid 3×3 convolution block on the top and bottom halves of each image (each with the
 * one-row halo the other half needs) as a batch twice as large, then joins the halves again.
 *
 * <p>Why: for a batch of one fp32 image with variable weights, TensorFlow's oneDNN kernels keep
 * the weights in TensorFlow's own HWIO layout, and oneDNN convolves wide layers (256+ channels)
 * at about half its speed in that layout; from a batch of two on, they reorder the weights to
 * oneDNN's blocked layout, which runs such layers nearly twice as fast. The result is the same
 * convolution: the output rows of the two halves partition the image's output rows, so
 * per-channel statistics (batch norm) and the ReLU see exactly the same values.
 */
final class RowHalves {
  private RowHalves() {}

  /**
   * {@code block(halves)} joined back into {@code [n, h − 2, w − 2, c]} for {@code x} of
   * {@code [n, h, w, channels]}; {@code block} must shrink height and width by 2 (a valid 3×3
   * convolution followed by per-pixel ops).
   */
  static Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x, UnaryOperator<Operand<TFloat32>> block) {
    Shape known = x.shape();
    long knownHeight = known.numDimensions() == 4 ? known.size(1) : Shape.UNKNOWN_SIZE;
    boolean evenRows = knownHeight != Shape.UNKNOWN_SIZE && knownHeight % 2 == 0;
    Operand<TInt32> shape = tf.shape(x);
    Operand<TInt32> height = Blocks.dim(tf, shape, 1);
    Operand<TFloat32> even = x;
    Operand<TInt32> evenHeight = height;
    if (!evenRows) {
      // An odd height gets one more (zero) row, whose output row is dropped at the end.
      Operand<TInt32> extra = tf.math.floorMod(height, tf.constant(2));
      even = tf.pad(x, tf.math.mul(tf.constant(new int[][] {{0, 0}, {0, 1}, {0, 0}, {0, 0}}), extra), tf.constant(0f));
      evenHeight = tf.math.add(height, extra);
    }
    Operand<TInt32> half = tf.math.floorDiv(evenHeight, tf.constant(2));
    Operand<TInt32> rows = tf.math.add(half, tf.constant(1));
    Operand<TInt32> window = tf.stack(List.of(tf.constant(-1), rows, tf.constant(-1), tf.constant(-1)));
    Operand<TFloat32> top = tf.slice(even, tf.constant(new int[] {0, 0, 0, 0}), window);
    Operand<TFloat32> bottom = tf.slice(even,
        tf.stack(List.of(tf.constant(0), tf.math.sub(half, tf.constant(1)), tf.constant(0), tf.constant(0))), window);
    // [n, 2, rows, w, c] → [2n, rows, w, c]: image i's halves become batch entries 2i and 2i + 1.
    Operand<TFloat32> pairs = tf.stack(List.of(top, bottom), Stack.axis(1L));
    Operand<TFloat32> halves = tf.reshape(pairs,
        tf.stack(List.of(tf.constant(-1), rows, Blocks.dim(tf, shape, 2), Blocks.dim(tf, shape, 3))));
    Operand<TFloat32> y = block.apply(halves);
    Operand<TInt32> yShape = tf.shape(y);
    // [2n, r, w', c'] → [n, 2r, w', c']: each image's two halves are adjacent, top first.
    Operand<TFloat32> joined = tf.reshape(y, tf.stack(List.of(Blocks.dim(tf, shape, 0),
        tf.math.mul(Blocks.dim(tf, yShape, 1), tf.constant(2)),
        Blocks.dim(tf, yShape, 2),
        Blocks.dim(tf, yShape, 3))));
    if (evenRows) {
      return joined;
    }
    return tf.slice(joined, tf.constant(new int[] {0, 0, 0, 0}),
        tf.stack(List.of(tf.constant(-1), tf.math.sub(height, tf.constant(2)), tf.constant(-1), tf.constant(-1))));
  }
}
