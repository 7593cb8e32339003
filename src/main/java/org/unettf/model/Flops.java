package org.unettf.model;

import org.unettf.config.Architecture;
import org.unettf.config.Architecture.Kind;
import org.unettf.config.ModelConfig;
import org.unettf.numerics.Winograd;

/**
 * Floating-point operations of the U-Net, counted from its {@link Architecture}: 2 per
 * multiply-add of every convolution, up-convolution and the 1×1 output layer. A training step
 * costs about three forward passes: the forward, and backward through inputs and weights. These
 * count direct convolutions, the standard measure; {@link #trainingStepMultiplied} counts what a
 * tuned training graph multiplies, where Winograd's layers need fewer products.
 */
public final class Flops {
  private Flops() {}

  public static double forward(ModelConfig spec, int input) {
    return layers(spec, input).flops();
  }

  public static double trainingStep(ModelConfig spec, int input, int batch) {
    return 3 * forward(spec, input) * batch;
  }

  /**
   * The multiply-adds (×2) a training step with {@code tuning} does: like {@link #trainingStep},
   * but the layers {@link Tuning#winograd} gives to Winograd's algorithm count the (m + 2)²
   * products of each m×m output tile, not their transforms.
   */
  public static double trainingStepMultiplied(ModelConfig spec, int input, int batch, Tuning tuning) {
    double flops = 0;
    for (Architecture.Layer layer : layers(spec, input).layers()) {
      Winograd f = layer.kind() == Kind.CONV3 ? tuning.winograd(layer.in(), layer.out(), spec.padding(), Mode.TRAIN)
          : null;
      if (f == null) {
        flops += layer.flops();
      } else {
        long tiles = f.tiles((int) layer.inEdge());
        flops += 2.0 * tiles * tiles * f.tileSize() * f.tileSize() * layer.in() * layer.out();
      }
    }
    return 3 * batch * flops;
  }

  private static Architecture layers(ModelConfig spec, int input) {
    return Architecture.of(spec, input)
        .orElseThrow(() -> new IllegalArgumentException("the network does not accept " + input + " px inputs"));
  }
}
