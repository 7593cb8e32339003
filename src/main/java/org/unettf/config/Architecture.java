package org.unettf.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.unettf.config.ModelConfig.Padding;

/**
 * The U-Net's layers for one input edge, in the order of the paper's Figure 1, each with its
 * edges and channels: the one walk of the network's shape that its output size, parameter count,
 * FLOPs, memory and halo are all read from.
 *
 * <p>With valid 3×3 convolutions every convolution loses a pixel on each side, and a 2×2
 * max-pool needs an even edge, which is why only some inputs give an output at all (572 → 388 for
 * the paper's network); same padding keeps edges and needs inputs divisible by the pooling factor.
 */
public record Architecture(ModelConfig spec, int input, List<Layer> layers) {

  public enum Kind {
    /** 3×3 convolution (with its bias, or batch norm's scale and offset), then ReLU. */
    CONV3,
    /** 2×2 max-pooling, stride 2. */
    POOL,
    /** 2×2 up-convolution, stride 2, halving the channels. */
    UP_CONV,
    /** The contracting path's feature map, cropped, beside the up-convolution's output. */
    CONCAT,
    /** The final 1×1 convolution to one score per class. */
    CONV1
  }

  /**
   * One layer: its output edge ({@code outEdge}) from an input of {@code inEdge}, channels
   * {@code in} → {@code out}, at resolution {@code level} (0 at the top).
   */
  public record Layer(Kind kind, int level, long inEdge, long outEdge, int in, int out) {
    /** Learnable parameters; batch norm's scale and offset replace a 3×3 convolution's bias. */
    public long parameters(boolean batchNorm) {
      return switch (kind) {
        case CONV3 -> 9L * in * out + (batchNorm ? 2L * out : out);
        case UP_CONV -> 4L * in * out + out;
        case CONV1 -> (long) in * out + out;
        case POOL, CONCAT -> 0;
      };
    }

    /** Floating-point operations of a forward pass: 2 per multiply-add (bias, ReLU and pooling are negligible). */
    public double flops() {
      return switch (kind) {
        case CONV3 -> 2.0 * outEdge * outEdge * 9 * in * out;
        case UP_CONV -> 2.0 * inEdge * inEdge * 4 * in * out;
        case CONV1 -> 2.0 * outEdge * outEdge * in * out;
        case POOL, CONCAT -> 0;
      };
    }

    /** Values in this layer's output, per image. */
    public double outputElements() {
      return (double) outEdge * outEdge * out;
    }
  }

  /** The layers of {@code spec} for {@code input} px tiles, or empty where the network cannot take them. */
  public static Optional<Architecture> of(ModelConfig spec, int input) {
    boolean valid = spec.padding() == Padding.VALID;
    if (input <= 0 || (!valid && input % spec.alignment() != 0)) {
      return Optional.empty();
    }
    Walk walk = new Walk(input, spec.channels(), valid ? 2 : 0);
    for (int level = 0; level < spec.depth(); level++) {
      if (level > 0 && !walk.pool(level)) {
        return Optional.empty();
      }
      if (!walk.doubleConv(level, spec.filtersAt(level))) {
        return Optional.empty();
      }
    }
    for (int level = spec.depth() - 2; level >= 0; level--) {
      walk.up(level, spec.filtersAt(level));
      if (!walk.doubleConv(level, spec.filtersAt(level))) {
        return Optional.empty();
      }
    }
    walk.add(Kind.CONV1, 0, walk.edge, walk.channels, spec.classes());
    return Optional.of(new Architecture(spec, input, List.copyOf(walk.layers)));
  }

  /** The walk down and up the network: the edge and channels so far, and the layers passed. */
  private static final class Walk {
    final List<Layer> layers = new ArrayList<>();
    final int shrink;
    long edge;
    int channels;

    Walk(long edge, int channels, int shrink) {
      this.edge = edge;
      this.channels = channels;
      this.shrink = shrink;
    }

    void add(Kind kind, int level, long outEdge, int in, int out) {
      layers.add(new Layer(kind, level, edge, outEdge, in, out));
      edge = outEdge;
      channels = out;
    }

    /** 2×2 max-pooling, which needs an even edge. */
    boolean pool(int level) {
      if (edge % 2 != 0) {
        return false;
      }
      add(Kind.POOL, level, edge / 2, channels, channels);
      return true;
    }

    /** Two 3×3 convolutions to {@code out} channels, each losing {@code shrink} px while any are left. */
    boolean doubleConv(int level, int out) {
      for (int conv = 0; conv < 2; conv++) {
        if (edge - shrink <= 0) {
          return false;
        }
        add(Kind.CONV3, level, edge - shrink, channels, out);
      }
      return true;
    }

    /** The up-convolution to {@code out} channels, then the skip connection beside it. */
    void up(int level, int out) {
      add(Kind.UP_CONV, level, 2 * edge, channels, out);
      add(Kind.CONCAT, level, edge, out, 2 * out);
    }
  }

  /** The output edge. */
  public int output() {
    return (int) layers.get(layers.size() - 1).outEdge();
  }

  public long parameters() {
    return layers.stream().mapToLong(l -> l.parameters(spec.batchNorm())).sum();
  }

  public double flops() {
    return layers.stream().mapToDouble(Layer::flops).sum();
  }

  public List<Layer> of(Kind kind) {
    return layers.stream().filter(l -> l.kind() == kind).toList();
  }
}
