package org.unettf.model;

import org.unettf.config.ModelConfig;
import org.unettf.numerics.Winograd;

/**
 * Floating-point operations of the U-Net, counted from its shape: 2 per multiply-add of every
 * convolution, up-convolution and the 1×1 output layer (ReLU, pooling and bias are negligible).
 * A training step costs about three forward passes: the forward, and backward through inputs and
 * weights. These count direct convolutions, the standard measure; {@link #trainingStepMultiplied}
 * counts what a tuned fp32 training graph multiplies, where Winograd's layers need fewer products.
 */
public final class Flops {
  private Flops() {}

  /** FLOPs of a 3×3 convolution to an {@code edge}² output from {@code in} to {@code out} channels. */
  private interface Conv3x3 {
    double flops(long edge, int in, int out);
  }

  public static double forward(ModelConfig spec, int input) {
    return count(spec, input, (edge, in, out) -> conv(edge, 3, in, out));
  }

  public static double trainingStep(ModelConfig spec, int input, int batch) {
    return 3 * forward(spec, input) * batch;
  }

  /**
   * The multiply-adds (×2) a tuned fp32 training step does: like {@link #trainingStep}, but
   * Winograd's layers ({@link Layers#winograd}) count the (m + 2)² products of each m×m output tile,
   * not their transforms.
   */
  public static double trainingStepMultiplied(ModelConfig spec, int input, int batch) {
    boolean valid = spec.padding() == ModelConfig.Padding.VALID;
    return 3 * batch * count(spec, input, (edge, in, out) -> {
      Winograd f = valid ? Layers.winogradFor(in, out) : null;
      if (f == null) {
        return conv(edge, 3, in, out);
      }
      long tiles = f.tiles((int) edge + 2);
      return 2.0 * tiles * tiles * f.tileSize() * f.tileSize() * in * out;
    });
  }

  private static double count(ModelConfig spec, int input, Conv3x3 conv3x3) {
    if (spec.outputSize(input) <= 0) {
      throw new IllegalArgumentException("the network does not accept " + input + " px inputs");
    }
    boolean valid = spec.padding() == ModelConfig.Padding.VALID;
    int shrink = valid ? 2 : 0;
    double flops = 0;
    long size = input;
    int channels = spec.channels();
    for (int level = 0; level < spec.depth(); level++) {
      if (level > 0) {
        size /= 2;
      }
      int out = spec.filtersAt(level);
      size -= shrink;
      flops += conv3x3.flops(size, channels, out);
      size -= shrink;
      flops += conv3x3.flops(size, out, out);
      channels = out;
    }
    for (int level = spec.depth() - 2; level >= 0; level--) {
      int out = spec.filtersAt(level);
      flops += 2.0 * size * size * 4 * channels * out;
      size *= 2;
      size -= shrink;
      flops += conv3x3.flops(size, 2 * out, out);
      size -= shrink;
      flops += conv3x3.flops(size, out, out);
      channels = out;
    }
    return flops + conv(size, 1, channels, spec.classes());
  }

  private static double conv(long outputEdge, int kernel, int in, int out) {
    return 2.0 * outputEdge * outputEdge * kernel * kernel * in * out;
  }
}
