package org.unettf.model;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.unettf.config.ModelConfig;
import org.unettf.config.ModelConfig.Padding;
import org.unettf.data.Normalization;
import org.unettf.model.Blocks.Context;
import org.unettf.model.Blocks.DoubleConv;
import org.unettf.model.Blocks.Down;
import org.unettf.model.Blocks.OutConv;
import org.unettf.model.Blocks.Registry;
import org.unettf.model.Blocks.Up;

/**
 * The U-Net as a TensorFlow graph, read like the paper's Figure 1: {@code inc}, then
 * {@code depth − 1} {@link Down} steps, as many {@link Up} steps, and {@link OutConv}. Dropout
 * closes the contracting path. Inputs are raw [0, 1] intensities, standardised in the graph.
 *
 * <p>Built once, it can be applied to several inputs (a fixed-size training batch and an any-size
 * evaluation input) that share its variables.
 */
public final class UNet {
  private final ModelConfig spec;
  private final Ops tf;
  private final Normalization normalization;
  private final Tuning tuning;
  private final DoubleConv inc;
  private final List<Down> downs = new ArrayList<>();
  private final List<Up> ups = new ArrayList<>();
  private final OutConv outc;
  private final Registry registry = new Registry();

  private UNet(Layers root, ModelConfig spec, Normalization normalization, Tuning tuning) {
    this.spec = spec;
    Layers layers = root.within("unet");
    this.tf = layers.tf();
    this.normalization = normalization;
    this.tuning = tuning;
    Padding padding = spec.padding();
    inc = new DoubleConv(layers.within("inc"), registry, spec.channels(), spec.filtersAt(0), spec.batchNorm(), padding);
    for (int level = 1; level < spec.depth(); level++) {
      downs.add(new Down(layers.within("down" + level), registry, spec.filtersAt(level - 1), spec.filtersAt(level),
          spec.batchNorm(), padding));
    }
    for (int level = spec.depth() - 2; level >= 0; level--) {
      ups.add(new Up(layers.within("up" + (spec.depth() - 1 - level)), registry, spec.filtersAt(level + 1),
          spec.filtersAt(level), spec.batchNorm(), padding));
    }
    outc = new OutConv(layers.within("outc"), registry, spec.filtersAt(0), spec.classes());
  }

  /** Creates the network's variables through {@code layers}; its ops will be built as {@code tuning} says. */
  public static UNet build(Layers layers, ModelConfig spec, Normalization normalization, Tuning tuning) {
    return new UNet(layers, spec, normalization, tuning);
  }

  /**
   * Class scores {@code [batch, h, w, classes]} for images {@code [batch, H, W, channels]}.
   *
   * @param stepSeed seeds dropout in {@link Mode#TRAIN}; unused otherwise and may be null
   * @param updates receives the batch-norm moving-average updates in {@link Mode#TRAIN}
   */
  public Operand<TFloat32> logits(Operand<TFloat32> image, Mode mode, Operand<TInt64> stepSeed, List<Op> updates) {
    Context context = new Context(mode, stepSeed, updates, tuning);
    Operand<TFloat32> x = standardise(image);
    List<Operand<TFloat32>> skips = new ArrayList<>();
    x = inc.apply(x, context);
    for (Down down : downs) {
      skips.add(x);
      x = down.apply(x, context);
    }
    if (mode == Mode.TRAIN && spec.dropout() > 0) {
      x = LayerOps.dropout(tf, x, spec.dropout(), stepSeed);
    }
    for (int i = 0; i < ups.size(); i++) {
      x = ups.get(i).apply(x, skips.get(skips.size() - 1 - i), context);
    }
    return outc.apply(x, context);
  }

  private Operand<TFloat32> standardise(Operand<TFloat32> image) {
    Ops scoped = tf.withSubScope("standardise");
    return scoped.math.div(
        scoped.math.sub(image, scoped.constant((float) normalization.mean())),
        scoped.constant((float) normalization.std()));
  }

  public List<Variable<TFloat32>> trainableVariables() {
    return List.copyOf(registry.trainable);
  }

  /** Every variable a checkpoint must hold for inference: trained ones and batch-norm statistics. */
  public List<Variable<TFloat32>> allVariables() {
    List<Variable<TFloat32>> all = new ArrayList<>(registry.trainable);
    all.addAll(registry.tracked);
    return all;
  }

  public ModelConfig spec() {
    return spec;
  }
}
