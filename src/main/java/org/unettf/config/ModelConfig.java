package org.unettf.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The network's shape: {@code depth} resolution levels (the paper has 5), {@code filters} feature
 * channels at the first level, doubled at each level below.
 *
 * <p>It also owns the network's size arithmetic, which needs no TensorFlow: with valid 3×3
 * convolutions every level loses 4 px, so only some input sizes give an output at all (572 → 388
 * for the paper's network).
 */
public record ModelConfig(
    int depth,
    int filters,
    Padding padding,
    boolean batchNorm,
    double dropout,
    int classes,
    int channels) {

  public enum Padding {
    VALID,
    SAME
  }

  /** Channels at a level, counted from 0 at the top. */
  public int filtersAt(int level) {
    return filters << level;
  }

  /** Input pixels per output pixel stride: the pooling factor of the whole contracting path. */
  public int alignment() {
    return 1 << (depth - 1);
  }

  /** The output edge for an input edge, or -1 where the network cannot take that input. */
  public int outputSize(int input) {
    if (padding == Padding.SAME) {
      return input > 0 && input % alignment() == 0 ? input : -1;
    }
    int s = input;
    for (int level = 0; level < depth - 1; level++) {
      s -= 4;
      if (s <= 0 || s % 2 != 0) {
        return -1;
      }
      s /= 2;
    }
    s -= 4;
    if (s <= 0) {
      return -1;
    }
    for (int level = 0; level < depth - 1; level++) {
      s = 2 * s - 4;
      if (s <= 0) {
        return -1;
      }
    }
    return s;
  }

  public boolean acceptsInput(int input) {
    return outputSize(input) > 0;
  }

  /** Border lost on each side by valid convolutions: (input − output) / 2; 0 for same padding. */
  public int margin() {
    int input = smallestInput();
    return (input - outputSize(input)) / 2;
  }

  /** The smallest input the network accepts. */
  public int smallestInput() {
    for (int s = 1; ; s++) {
      if (acceptsInput(s)) {
        return s;
      }
    }
  }

  /** The smallest accepted input whose output covers {@code outputEdge} pixels. */
  public int inputCovering(int outputEdge) {
    for (int s = smallestInput(); ; s += alignment()) {
      if (outputSize(s) >= outputEdge) {
        return s;
      }
    }
  }

  /** The accepted inputs just below and above {@code size}, for error messages. */
  public List<Integer> validInputsNear(int size) {
    List<Integer> near = new ArrayList<>();
    int below = -1;
    int above = -1;
    for (int s = smallestInput(); above < 0; s += alignment()) {
      if (!acceptsInput(s)) {
        continue;
      }
      if (s <= size) {
        below = s;
      } else {
        above = s;
      }
    }
    if (below > 0) {
      near.add(below);
    }
    near.add(above);
    return near;
  }

  /** Learnable parameters, for the log and the model card. */
  public long parameterCount() {
    long params = 0;
    int in = channels;
    for (int level = 0; level < depth; level++) {
      int out = filtersAt(level);
      params += conv(3, in, out) + conv(3, out, out);
      in = out;
    }
    for (int level = depth - 2; level >= 0; level--) {
      int out = filtersAt(level);
      params += conv(2, in, out) + conv(3, 2 * out, out) + conv(3, out, out);
      in = out;
    }
    return params + conv(1, in, classes);
  }

  /** A convolution's kernel plus its bias; batch norm's scale and offset replace a 3×3's bias. */
  private long conv(int k, int in, int out) {
    long kernel = (long) k * k * in * out;
    return batchNorm && k == 3 ? kernel + 2L * out : kernel + out;
  }
}
