package org.unettf.model;

import org.unettf.config.ModelConfig;

/**
 * Floating-point operations of the U-Net, counted from its shape: 2 per multiply-add of every
 * convolution, up-convolution and the 1×1 output layer (ReLU, pooling and bias are negligible).
 * A training step costs about three forward passes: the forward, and backward through inputs and
 * weights.
 */
public final class Flops {
  private Flops() {}

  public static double forward(ModelConfig spec, int input) {
    if (spec.outputSize(input) <= 0) {
      throw new IllegalArgumentException("the network does not accept " + input + " px inputs");
    }
    boolean valid = spec.padding() == ModelConfig.Padding.VALID;
    int shrink = valid ? 2 : 0;
    double flops = 0;
    long size = input;
    long[] skipSizes = new long[spec.depth()];
    int channels = spec.channels();
    for (int level = 0; level < spec.depth(); level++) {
      if (level > 0) {
        size /= 2;
      }
      int out = spec.filtersAt(level);
      size -= shrink;
      flops += conv(size, 3, channels, out);
      size -= shrink;
      flops += conv(size, 3, out, out);
      skipSizes[level] = size;
      channels = out;
    }
    for (int level = spec.depth() - 2; level >= 0; level--) {
      int out = spec.filtersAt(level);
      flops += 2.0 * size * size * 4 * channels * out;
      size *= 2;
      size -= shrink;
      flops += conv(size, 3, 2 * out, out);
      size -= shrink;
      flops += conv(size, 3, out, out);
      channels = out;
    }
    return flops + conv(size, 1, channels, spec.classes());
  }

  public static double trainingStep(ModelConfig spec, int input, int batch) {
    return 3 * forward(spec, input) * batch;
  }

  private static double conv(long outputEdge, int kernel, int in, int out) {
    return 2.0 * outputEdge * outputEdge * kernel * kernel * in * out;
  }
}
