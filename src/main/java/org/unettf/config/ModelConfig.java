package org.unettf.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The network's shape: {@code depth} resolution levels (the paper has 5), {@code filters} feature
 * channels at the first level, doubled at each level below. Its size arithmetic (which inputs it
 * takes, what they give, the halo) reads the layers {@link Architecture} lays out.
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
    return Architecture.of(this, input).map(Architecture::output).orElse(-1);
  }

  public boolean acceptsInput(int input) {
    return outputSize(input) > 0;
  }

  /** Border lost on each side by valid convolutions: (input − output) / 2; 0 for same padding. */
  public int margin() {
    int input = smallestInput();
    return (input - outputSize(input)) / 2;
  }

  /**
   * The context a tile needs on each side of the pixels it predicts: the margin valid
   * convolutions eat, or, with same padding, one pooling step ({@link #alignment()}) so that the
   * zeros padding brings in stay out of the kept outputs.
   */
  public int halo() {
    return padding == Padding.SAME ? alignment() : margin();
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
    return Architecture.of(this, smallestInput()).orElseThrow().parameters();
  }
}
