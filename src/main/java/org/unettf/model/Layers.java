package org.unettf.model;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.unettf.numerics.Winograd;

/**
 * Creates the network's variables: randomly initialised for training, or bare (to be restored from
 * a checkpoint) for an inference graph, under the same names either way so a checkpoint fits both.
 *
 * <p>Ops go in name scopes ({@code unet/down1/conv1/...}) for TensorBoard's graph view; variables
 * take the same path with dots ({@code unet.down1.conv1.kernel}), because tensorflow-framework's
 * optimizers derive slot names from variable names and reject a '/' in them.
 */
public final class Layers {
  private static final List<Long> ONES = List.of(1L, 1L, 1L, 1L);

  private final Ops tf;
  private final Ops root;
  private final String path;
  private final boolean initialise;
  private final long seed;
  /** Shared by a root and its scoped children, so every kernel gets its own random stream. */
  private final AtomicLong kernels;
  /** Channels in × out from which valid 3×3 convolutions run on {@link RowHalves}. */
  private final long rowHalvesFrom;
  /** Channels in × out from which valid 3×3 convolutions in training take {@link WinogradConv}. */
  private final long winogradFrom;
  /** Whether the layers are tuned for oneDNN's fp32 kernels (see {@link #forOneDnnFp32}). */
  private final boolean oneDnnFp32;
  /**
   * Below 256 × 256 channels oneDNN convolves as fast in either weight layout (315–335 GFLOP/s
   * here); from there on, TensorFlow's layout costs up to half the speed.
   */
  private static final long WIDE = 256L * 256;
  /**
   * From 512 × 512 channels on, Winograd's convolutions trained 23–37% faster here; at 256 × 512
   * they gained 4%, and at 256 × 256 they lost 5%. F(2×2) from 1024 × 1024 on, where F(4×4)'s kernel
   * transform, 4× the kernel's size, made it the slower one (148 against 137 ms).
   */
  private static final long WINOGRAD = 512L * 512;
  private static final long WINOGRAD_SMALL_TILES = 1024L * 1024;

  private Layers(Ops tf, Ops root, String path, boolean initialise, long seed, AtomicLong kernels, long rowHalvesFrom,
      long winogradFrom, boolean oneDnnFp32) {
    this.tf = tf;
    this.root = root;
    this.path = path;
    this.initialise = initialise;
    this.seed = seed;
    this.kernels = kernels;
    this.rowHalvesFrom = rowHalvesFrom;
    this.winogradFrom = winogradFrom;
    this.oneDnnFp32 = oneDnnFp32;
  }

  /** Variables initialised from {@code seed}, as training starts. */
  public static Layers initialised(Ops tf, long seed) {
    return new Layers(tf, tf, "", true, seed, new AtomicLong(), Long.MAX_VALUE, Long.MAX_VALUE, false);
  }

  /** Variables without initialisers, to be filled by {@code Session.restore}. */
  public static Layers restorable(Ops tf) {
    return new Layers(tf, tf, "", false, 0, new AtomicLong(), Long.MAX_VALUE, Long.MAX_VALUE, false);
  }

  /**
   * The same layers, tuned for TensorFlow's oneDNN kernels in fp32 when {@code on}: wide valid
   * convolutions on {@link RowHalves}, up-convolutions as matrix products ({@link #upConv}), and in
   * training, the widest valid convolutions by Winograd's algorithm ({@link #winograd}) and the
   * others' convolution, bias and ReLU as one op ({@link #convBiasRelu}), with bias gradients apart
   * from the weight gradients ({@link #bias}). Each was measured faster on a CPU; on a GPU they
   * would only add copies.
   */
  public Layers forOneDnnFp32(boolean on) {
    return new Layers(tf, root, path, initialise, seed, kernels, on ? WIDE : Long.MAX_VALUE,
        on ? WINOGRAD : Long.MAX_VALUE, on);
  }

  /** Row halves for valid 3×3 convolutions whose channels in × out reach {@code channelProduct}. */
  Layers withRowHalvesFrom(long channelProduct) {
    return new Layers(tf, root, path, initialise, seed, kernels, channelProduct, winogradFrom, oneDnnFp32);
  }

  /**
   * The same layers without Winograd's convolutions unless {@code on}; on, they are used where
   * {@link #forOneDnnFp32} tuning puts them.
   */
  public Layers withWinograd(boolean on) {
    return on ? this : withWinogradFrom(Long.MAX_VALUE);
  }

  /** Winograd's convolutions in training from {@code channelProduct} channels in × out on. */
  Layers withWinogradFrom(long channelProduct) {
    return new Layers(tf, root, path, initialise, seed, kernels, rowHalvesFrom, channelProduct, oneDnnFp32);
  }

  /** Whether a 3×3 convolution from {@code in} to {@code out} channels runs on row halves. */
  boolean rowHalves(int in, int out, String padding) {
    return padding.equals("VALID") && (long) in * out >= rowHalvesFrom;
  }

  public Ops tf() {
    return tf;
  }

  /**
   * The minimal filtering a valid 3×3 convolution from {@code in} to {@code out} channels takes in
   * this mode, or null for a direct convolution: only in training, since inference graphs (and the
   * exported models) keep the plain convolution that every TensorFlow runs.
   */
  Winograd winograd(int in, int out, String padding, Mode mode) {
    return mode == Mode.TRAIN && padding.equals("VALID") ? tiles(in, out, winogradFrom) : null;
  }

  /** What {@link #winograd} gives a valid convolution in a tuned training graph. */
  static Winograd winogradFor(int in, int out) {
    return tiles(in, out, WINOGRAD);
  }

  /** F(2×2) or F(4×4) for {@code in} × {@code out} channels from {@code from} on, else null. */
  private static Winograd tiles(int in, int out, long from) {
    long channels = (long) in * out;
    return channels < from ? null : new Winograd(channels >= WINOGRAD_SMALL_TILES ? 2 : 4);
  }

  /** The valid convolution of {@code x} with a 3×3 {@code kernel} by {@code f}, see {@link WinogradConv}. */
  Operand<TFloat32> conv(Operand<TFloat32> x, Variable<TFloat32> kernel, Winograd f) {
    return WinogradConv.apply(tf, x, kernel, f);
  }

  Layers within(String scope) {
    return new Layers(tf.withSubScope(scope), root, path + scope + ".", initialise, seed, kernels, rowHalvesFrom,
        winogradFrom, oneDnnFp32);
  }

  /** He et al.'s normal initialisation, the paper's {@code sqrt(2/N)}, N the kernel's fan-in. */
  Variable<TFloat32> kernel(String name, int size, int in, int out) {
    long index = kernels.getAndIncrement();
    if (!initialise) {
      return root.withName(path + name).variable(Shape.of(size, size, in, out), TFloat32.class);
    }
    float std = (float) Math.sqrt(2.0 / ((double) size * size * in));
    Operand<TFloat32> normal = tf.random.statelessRandomNormal(
        tf.constant(new int[] {size, size, in, out}), tf.constant(new long[] {seed, index}));
    return root.withName(path + name).variable(tf.math.mul(normal, tf.constant(std)));
  }

  Variable<TFloat32> filled(String name, int length, float value) {
    if (!initialise) {
      return root.withName(path + name).variable(Shape.of(length), TFloat32.class);
    }
    return root.withName(path + name).variable(tf.fill(tf.constant(new int[] {length}), tf.constant(value)));
  }

  /** A 2-D convolution, stride 1, with VALID or SAME padding. */
  Operand<TFloat32> conv(Operand<TFloat32> x, Variable<TFloat32> kernel, String padding) {
    return tf.nn.conv2d(x, kernel, ONES, padding);
  }

  /**
   * {@code x} plus a bias per channel. Tuned training graphs use {@code BiasAddV1}, whose gradient
   * ({@link Gradients}) sums the upstream gradient with a matrix product rather than
   * {@code BiasAddGrad}: TensorFlow's oneDNN pass fuses a {@code BiasAddGrad} into the
   * convolution's weight gradient, and the fused kernel runs slower than the two apart (64
   * channels at 570²: 106 ms fused, 87 + 3 ms apart). Other graphs keep {@code BiasAdd}.
   */
  @SuppressWarnings("unchecked")
  Operand<TFloat32> bias(Operand<TFloat32> x, Variable<TFloat32> bias, Mode mode) {
    if (mode != Mode.TRAIN || !oneDnnFp32) {
      return tf.nn.biasAdd(x, bias);
    }
    Gradients.register();
    Operation add = tf.scope().opBuilder("BiasAddV1", "BiasAddV1")
        .addInput(x.asOutput())
        .addInput(bias.asOutput())
        .build();
    return (Output<TFloat32>) add.<TFloat32>output(0);
  }

  /**
   * ReLU(convolution + bias) as one {@code _FusedConv2D} op in tuned training graphs, whose
   * gradient ({@link Gradients}) reads the op's output: TensorFlow fuses the ReLU into the
   * convolution only where nothing else reads the ReLU's input, and the stock ReLU gradient does,
   * so training graphs otherwise pay a separate pass over every feature map (56 ms of a 3.2 s step
   * here). Other graphs get the three ops, which TensorFlow fuses by itself when it can.
   */
  @SuppressWarnings("unchecked")
  Operand<TFloat32> convBiasRelu(Operand<TFloat32> x, Variable<TFloat32> kernel, Variable<TFloat32> bias,
      String padding, Mode mode) {
    if (mode != Mode.TRAIN || !oneDnnFp32) {
      return tf.nn.relu(bias(conv(x, kernel, padding), bias, mode));
    }
    Gradients.register();
    Operation fused = tf.scope().opBuilder("_FusedConv2D", "ConvBiasRelu")
        .addInput(x.asOutput())
        .addInput(kernel.asOutput())
        .addInputList(new Output<?>[] {bias.asOutput()})
        .addInputList(new Output<?>[0])
        .setAttr("num_args", 1L)
        .setAttr("strides", new long[] {1, 1, 1, 1})
        .setAttr("padding", padding)
        .setAttr("fused_ops", new String[] {"BiasAdd", "Relu"})
        .build();
    return (Output<TFloat32>) fused.<TFloat32>output(0);
  }

  /**
   * The paper's 2×2 up-convolution (stride 2) from {@code kernel} {@code [2, 2, out, in]}. Its
   * windows do not overlap, so when tuned it is one matrix product per pixel, {@code in} →
   * {@code 2·2·out}, whose four outputs DepthToSpace lays out as the pixel's 2×2 block: oneDNN
   * ran the strided transposed convolutions at 40–280 GFLOP/s here and their weight gradients at
   * 95–180, and the step got 60 ms faster. The kernel's layout is the same either way.
   */
  Operand<TFloat32> upConv(Operand<TFloat32> x, Variable<TFloat32> kernel) {
    long in = kernel.shape().size(3);
    long out = kernel.shape().size(2);
    Operand<TInt32> shape = tf.shape(x);
    Operand<TInt32> pixels = tf.slice(shape, tf.constant(new int[] {0}), tf.constant(new int[] {3}));
    if (!oneDnnFp32) {
      Operand<TInt32> upShape = tf.concat(List.of(tf.math.mul(pixels, tf.constant(new int[] {1, 2, 2})),
          tf.constant(new int[] {(int) out})), tf.constant(0));
      return tf.nn.conv2dBackpropInput(upShape, kernel, x, List.of(1L, 2L, 2L, 1L), "VALID");
    }
    // [2, 2, out, in] → [in, (row, column, out)], DepthToSpace's order within a block.
    Operand<TFloat32> weights = tf.reshape(tf.linalg.transpose(kernel, tf.constant(new int[] {3, 0, 1, 2})),
        tf.constant(new long[] {in, 4 * out}));
    Operand<TFloat32> y = tf.linalg.matMul(tf.reshape(x, tf.constant(new long[] {-1, in})), weights);
    Operand<TFloat32> blocks = tf.reshape(y,
        tf.concat(List.of(pixels, tf.constant(new int[] {(int) (4 * out)})), tf.constant(0)));
    return tf.nn.depthToSpace(blocks, 2L);
  }

  /**
   * 2×2 max-pooling with stride 2. Built as the original {@code MaxPool} op, whose window is an
   * attribute: TensorFlow runs that one (and its gradient) on oneDNN, while {@code MaxPoolV2}, the
   * op {@code tf.nn.maxPool} makes, falls back to Eigen kernels that took 150 ms of a 4 s step here.
   */
  @SuppressWarnings("unchecked")
  Operand<TFloat32> maxPool(Operand<TFloat32> x) {
    long[] window = {1, 2, 2, 1};
    Operation pool = tf.scope().opBuilder("MaxPool", "MaxPool")
        .addInput(x.asOutput())
        .setAttr("ksize", window)
        .setAttr("strides", window)
        .setAttr("padding", "VALID")
        .build();
    return (Output<TFloat32>) pool.<TFloat32>output(0);
  }

  /** Dropout from a stateless generator seeded per step, so a resumed run draws the same masks. */
  Operand<TFloat32> dropout(Operand<TFloat32> x, double rate, Operand<TInt64> stepSeed) {
    float keep = (float) (1 - rate);
    Operand<TFloat32> uniform = tf.random.statelessRandomUniform(tf.shape(x), stepSeed);
    Operand<TFloat32> mask = tf.math.floor(tf.math.add(uniform, tf.constant(keep)));
    return tf.math.mul(x, tf.math.mul(mask, tf.constant(1f / keep)));
  }
}
