package org.unettf.model;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.unettf.config.ModelConfig.Padding;

/** The U-Net's building blocks, named as in the paper's Figure 1 (and in milesial/Pytorch-UNet). */
final class Blocks {
  private Blocks() {}

  /** Element {@code axis} of a shape vector, for shapes known only when the graph runs. */
  static Operand<TInt32> dim(Ops tf, Operand<TInt32> shape, int axis) {
    return tf.gather(shape, tf.constant(axis), tf.constant(0));
  }

  /** What applying a block needs besides its input: the mode, dropout's seed, where batch norm's updates go, and the ops' tuning. */
  record Context(Mode mode, Operand<TInt64> stepSeed, List<Op> updates, Tuning tuning) {}

  /** Variables collected as blocks are built, split into trained and merely tracked ones. */
  static final class Registry {
    final List<Variable<TFloat32>> trainable = new ArrayList<>();
    final List<Variable<TFloat32>> tracked = new ArrayList<>();
  }

  /** 3×3 convolution → (batch norm) → ReLU. */
  static final class Conv {
    private final Ops tf;
    private final Variable<TFloat32> kernel;
    private final Variable<TFloat32> bias;
    private final BatchNorm norm;
    private final Padding padding;
    private final int in;
    private final int out;

    Conv(Layers layers, Registry registry, int in, int out, boolean batchNorm, Padding padding) {
      this.tf = layers.tf();
      this.padding = padding;
      this.in = in;
      this.out = out;
      this.kernel = layers.kernel("kernel", 3, in, out);
      registry.trainable.add(kernel);
      if (batchNorm) {
        this.norm = new BatchNorm(layers.within("batch_norm"), registry, out);
        this.bias = null;
      } else {
        this.norm = null;
        this.bias = layers.filled("bias", out, 0f);
        registry.trainable.add(bias);
      }
    }

    /** The tuning may run the three as one op, or on the image's halves; the result is the same. */
    Operand<TFloat32> apply(Operand<TFloat32> x, Context context) {
      return context.tuning().convolution(tf, x, this, context);
    }

    /** What follows the convolution {@code y}: its bias, or batch norm, then ReLU. */
    Operand<TFloat32> normAndRelu(Operand<TFloat32> y, Context context) {
      Operand<TFloat32> shifted = norm == null
          ? context.tuning().bias(tf, y, bias, context.mode())
          : norm.apply(y, context);
      return tf.nn.relu(shifted);
    }

    Variable<TFloat32> kernel() {
      return kernel;
    }

    /** The bias, or null where batch norm's offset takes its place. */
    Variable<TFloat32> bias() {
      return bias;
    }

    Padding padding() {
      return padding;
    }

    int in() {
      return in;
    }

    int out() {
      return out;
    }
  }

  /** Batch normalisation over batch and space, with moving averages for inference. */
  static final class BatchNorm {
    private static final float MOMENTUM = 0.99f;
    private static final float EPSILON = 1e-3f;
    private final Layers layers;
    private final Variable<TFloat32> gamma;
    private final Variable<TFloat32> beta;
    private final Variable<TFloat32> movingMean;
    private final Variable<TFloat32> movingVariance;

    BatchNorm(Layers layers, Registry registry, int channels) {
      this.layers = layers;
      gamma = layers.filled("gamma", channels, 1f);
      beta = layers.filled("beta", channels, 0f);
      movingMean = layers.filled("moving_mean", channels, 0f);
      movingVariance = layers.filled("moving_variance", channels, 1f);
      registry.trainable.add(gamma);
      registry.trainable.add(beta);
      registry.tracked.add(movingMean);
      registry.tracked.add(movingVariance);
    }

    Operand<TFloat32> apply(Operand<TFloat32> x, Context context) {
      Ops tf = layers.tf();
      Operand<TInt32> axes = tf.constant(new int[] {0, 1, 2});
      Operand<TFloat32> mean;
      Operand<TFloat32> variance;
      if (context.mode() == Mode.TRAIN) {
        mean = tf.math.mean(x, axes);
        variance = tf.math.mean(tf.math.squaredDifference(x, mean), axes);
        context.updates().add(tf.assign(movingMean, blend(tf, movingMean, mean)));
        context.updates().add(tf.assign(movingVariance, blend(tf, movingVariance, variance)));
      } else {
        mean = movingMean;
        variance = movingVariance;
      }
      Operand<TFloat32> scale = tf.math.mul(gamma, tf.math.rsqrt(tf.math.add(variance, tf.constant(EPSILON))));
      return tf.math.add(tf.math.mul(tf.math.sub(x, mean), scale), beta);
    }

    private static Operand<TFloat32> blend(Ops tf, Operand<TFloat32> moving, Operand<TFloat32> batch) {
      return tf.math.add(tf.math.mul(moving, tf.constant(MOMENTUM)), tf.math.mul(batch, tf.constant(1 - MOMENTUM)));
    }
  }

  /** (3×3 convolution → ReLU) × 2: every level of both paths. */
  static final class DoubleConv {
    private final Conv first;
    private final Conv second;

    DoubleConv(Layers layers, Registry registry, int in, int out, boolean batchNorm, Padding padding) {
      first = new Conv(layers.within("conv1"), registry, in, out, batchNorm, padding);
      second = new Conv(layers.within("conv2"), registry, out, out, batchNorm, padding);
    }

    Operand<TFloat32> apply(Operand<TFloat32> x, Context context) {
      return second.apply(first.apply(x, context), context);
    }
  }

  /** 2×2 max-pool with stride 2, then a DoubleConv with twice the channels: one contracting step. */
  static final class Down {
    private final Ops tf;
    private final DoubleConv conv;

    Down(Layers layers, Registry registry, int in, int out, boolean batchNorm, Padding padding) {
      this.tf = layers.tf();
      this.conv = new DoubleConv(layers, registry, in, out, batchNorm, padding);
    }

    Operand<TFloat32> apply(Operand<TFloat32> x, Context context) {
      return conv.apply(LayerOps.maxPool(tf, x), context);
    }
  }

  /**
   * 2×2 up-convolution halving the channels, crop-and-concat with the contracting path's feature
   * map, then a DoubleConv: one expansive step.
   */
  static final class Up {
    private final Ops tf;
    private final Variable<TFloat32> upKernel;
    private final Variable<TFloat32> upBias;
    private final DoubleConv conv;

    Up(Layers layers, Registry registry, int in, int out, boolean batchNorm, Padding padding) {
      this.tf = layers.tf();
      Layers up = layers.within("up_conv");
      // Conv2DBackpropInput's filter is [h, w, output channels, input channels].
      upKernel = up.kernel("kernel", 2, out, in);
      upBias = up.filled("bias", out, 0f);
      registry.trainable.add(upKernel);
      registry.trainable.add(upBias);
      conv = new DoubleConv(layers, registry, 2 * out, out, batchNorm, padding);
    }

    Operand<TFloat32> apply(Operand<TFloat32> x, Operand<TFloat32> skip, Context context) {
      Tuning tuning = context.tuning();
      Operand<TFloat32> up = tuning.bias(tf, tuning.upConv(tf, x, upKernel), upBias, context.mode());
      return conv.apply(tf.concat(List.of(cropToMatch(tf, skip, up), up), tf.constant(3)), context);
    }

    /** The centre of {@code skip} with {@code like}'s height and width (int32 begin/size). */
    private static Operand<TFloat32> cropToMatch(Ops tf, Operand<TFloat32> skip, Operand<TFloat32> like) {
      Operand<TInt32> skipShape = tf.shape(skip);
      Operand<TInt32> likeShape = tf.shape(like);
      Operand<TInt32> offset = tf.math.floorDiv(tf.math.sub(skipShape, likeShape), tf.constant(2));
      Operand<TInt32> begin = tf.math.mul(offset, tf.constant(new int[] {0, 1, 1, 0}));
      Operand<TInt32> size = tf.concat(
          List.of(tf.slice(likeShape, tf.constant(new int[] {0}), tf.constant(new int[] {3})), tf.constant(new int[] {-1})),
          tf.constant(0));
      return tf.slice(skip, begin, size);
    }
  }

  /** 1×1 convolution mapping the last feature map to one score per class. */
  static final class OutConv {
    private final Ops tf;
    private final Variable<TFloat32> kernel;
    private final Variable<TFloat32> bias;

    OutConv(Layers layers, Registry registry, int in, int classes) {
      this.tf = layers.tf();
      kernel = layers.kernel("kernel", 1, in, classes);
      bias = layers.filled("bias", classes, 0f);
      registry.trainable.add(kernel);
      registry.trainable.add(bias);
    }

    Operand<TFloat32> apply(Operand<TFloat32> x, Context context) {
      return context.tuning().bias(tf, LayerOps.conv(tf, x, kernel, Padding.VALID), bias, context.mode());
    }
  }
}
