package org.unettf.model;

import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.unettf.numerics.Winograd;

/**
 * A valid 3×3 convolution by Winograd's minimal filtering ({@link Winograd}), built from matrix
 * products only. The (m + 2)² products of each tile become (m + 2)² matrix products over all tiles,
 * input channels → output channels, which oneDNN runs at about the matmul rate; the transforms are
 * matrix products with the tiled matrices, so every gradient is one TensorFlow already has.
 *
 * <p>Why: the wide layers at the bottom of the U-Net carry over a quarter of its FLOPs, and this
 * does their work in 4/9 (F(2×2)) or 1/4 (F(4×4)) of the multiplications, at about the matmul
 * rate. At the widest layer F(2×2) wins, its kernel transform being 16/9 the kernel's size rather
 * than 4× (tools/PERFORMANCE-HISTORY.md has the measurements).
 */
final class WinogradConv {
  private WinogradConv() {}

  /** Whether {@code x} has the static height, width and channels the tiled transforms are built for. */
  static boolean fits(Operand<TFloat32> x) {
    Shape shape = x.shape();
    return shape.numDimensions() == 4 && !shape.isUnknown()
        && shape.size(1) >= Winograd.TAPS && shape.size(2) >= Winograd.TAPS && shape.size(3) > 0;
  }

  /**
   * The valid convolution of {@code x} {@code [n, h, w, c]} (h, w and c static) with {@code kernel}
   * {@code [3, 3, c, k]}: {@code [n, h − 2, w − 2, k]}.
   */
  static Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel, Winograd f) {
    int height = (int) x.shape().size(1);
    int width = (int) x.shape().size(2);
    int in = (int) x.shape().size(3);
    int out = (int) kernel.shape().size(3);
    int a = f.tileSize();
    int rows = f.tiles(height);
    int columns = f.tiles(width);

    // Bᵀ over rows, then over columns: [n, a·rows, a·columns, c], i.e. [n, i, row, j, column, c].
    Operand<TFloat32> overRows = multiply(tf, tf.constant(f.tiledInput(height)),
        tf.reshape(x, tf.constant(new int[] {-1, height, width * in})), false);
    Operand<TFloat32> overBoth = multiply(tf, tf.constant(f.tiledInput(width)),
        tf.reshape(overRows, tf.constant(new int[] {-1, width, in})), false);
    // → [a², tiles, c], the tiles of all images as rows of each product's matrix.
    Operand<TFloat32> tiles = tf.reshape(
        tf.linalg.transpose(tf.reshape(overBoth, tf.constant(new int[] {-1, a, rows, a, columns, in})),
            tf.constant(new int[] {1, 3, 0, 2, 4, 5})),
        tf.constant(new int[] {a * a, -1, in}));

    // G g Gᵀ for every channel pair, as [a², k, c]: the product below takes it transposed, because
    // TensorFlow's gradient of a plain batched product transposes its second operand in a kernel
    // (BatchMatMulV3 with adj_y) that ran 4–5× slower here.
    Operand<TFloat32> kernelRows = tf.reshape(tf.linalg.transpose(kernel, tf.constant(new int[] {0, 1, 3, 2})),
        tf.constant(new int[] {Winograd.TAPS * Winograd.TAPS, out * in}));
    Operand<TFloat32> transformed = tf.reshape(tf.linalg.matMul(tf.constant(f.kernelTransform2d()), kernelRows),
        tf.constant(new int[] {a * a, out, in}));
    Operand<TFloat32> products = multiply(tf, tiles, transformed, true);

    // Aᵀ over rows, then over columns, back to [n, h − 2, w − 2, k].
    Operand<TFloat32> byImage = tf.reshape(
        tf.linalg.transpose(tf.reshape(products, tf.constant(new int[] {a, a, -1, rows, columns, out})),
            tf.constant(new int[] {2, 0, 3, 1, 4, 5})),
        tf.constant(new int[] {-1, a * rows, a * columns * out}));
    Operand<TFloat32> outRows = multiply(tf, tf.constant(f.tiledOutput(height)), byImage, false);
    Operand<TFloat32> outBoth = multiply(tf, tf.constant(f.tiledOutput(width)),
        tf.reshape(outRows, tf.constant(new int[] {-1, a * columns, out})), false);
    return tf.reshape(outBoth, tf.constant(new int[] {-1, height - 2, width - 2, out}));
  }

  /**
   * {@code x · y} (or {@code x · yᵀ}) per batch entry, a 2-D {@code x} applying to every entry:
   * {@code BatchMatMulV2}, which TensorFlow runs on oneDNN, rather than the V3 op Ops builds.
   */
  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> multiply(Ops tf, Operand<TFloat32> x, Operand<TFloat32> y, boolean transposeY) {
    return (Output<TFloat32>) tf.scope().opBuilder("BatchMatMulV2", "BatchMatMulV2")
        .addInput(x.asOutput())
        .addInput(y.asOutput())
        .setAttr("adj_y", transposeY)
        .build()
        .<TFloat32>output(0);
  }
}
