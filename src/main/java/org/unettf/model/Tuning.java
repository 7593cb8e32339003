package org.unettf.model;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.unettf.config.ModelConfig.Padding;
import org.unettf.config.RuntimeConfig;
import org.unettf.numerics.Winograd;

/**
 * How the paper's layers become TensorFlow ops on one runtime, resolved once from its config: the
 * plain ops every TensorFlow runs (exports, GPUs, bf16), or equivalents measured faster on
 * oneDNN's fp32 CPU kernels. The network's blocks stay the paper's; this is the strategy they are
 * built with. Each tuned form computes the same function, and the model tests check that it does.
 *
 * <ul>
 *   <li>valid 3×3 convolutions from {@code rowHalvesFrom} channels in × out on run on
 *       {@link RowHalves}, since for a batch of one oneDNN keeps wide kernels in a slow layout;
 *   <li>in training, those from {@code winogradFrom} on run as Winograd's minimal filtering
 *       ({@link WinogradConv}), the others' convolution, bias and ReLU as one fused op, and biases
 *       as {@code BiasAddV1} (see {@link LayerOps});
 *   <li>up-convolutions run as matrix products ({@link LayerOps#matMulUpConv}).
 * </ul>
 */
public record Tuning(boolean oneDnnFp32, long rowHalvesFrom, long winogradFrom) {
  /** From 256 × 256 channels oneDNN's speed in TensorFlow's kernel layout drops to half. */
  private static final long WIDE = 256L * 256;
  /** Winograd's products gain from 512 × 512 channels on; narrower layers lose to the transforms. */
  private static final long WINOGRAD = 512L * 512;
  /** From 1024 × 1024 on, F(4×4)'s kernel transform (4× the kernel) makes F(2×2) the faster. */
  private static final long WINOGRAD_SMALL_TILES = 1024L * 1024;
  private static final long NEVER = Long.MAX_VALUE;

  /** The paper's plain ops, which every TensorFlow runs: exports, GPUs, bf16. */
  public static Tuning plain() {
    return new Tuning(false, NEVER, NEVER);
  }

  /** Tuned for oneDNN's fp32 kernels, with or without Winograd's convolutions in training. */
  public static Tuning oneDnnFp32(boolean winograd) {
    return new Tuning(true, WIDE, winograd ? WINOGRAD : NEVER);
  }

  /** The tuning {@code runtime} calls for: oneDNN's on a CPU in fp32 (with {@code runtime.winograd}), else plain. */
  public static Tuning of(RuntimeConfig runtime) {
    boolean fp32Cpu = !runtime.gpu() && Precisions.of(runtime) == RuntimeConfig.Precision.FP32;
    return fp32Cpu ? oneDnnFp32(runtime.winograd()) : plain();
  }

  /** Row halves from {@code channelProduct} channels in × out on. */
  Tuning withRowHalvesFrom(long channelProduct) {
    return new Tuning(oneDnnFp32, channelProduct, winogradFrom);
  }

  /** Winograd's convolutions in training from {@code channelProduct} channels in × out on. */
  Tuning withWinogradFrom(long channelProduct) {
    return new Tuning(oneDnnFp32, rowHalvesFrom, channelProduct);
  }

  /** Whether a 3×3 convolution from {@code in} to {@code out} channels runs on row halves. */
  boolean rowHalves(int in, int out, Padding padding) {
    return padding == Padding.VALID && (long) in * out >= rowHalvesFrom;
  }

  /**
   * The minimal filtering a valid 3×3 convolution from {@code in} to {@code out} channels takes in
   * this mode, or null for a direct convolution: only in training, so that inference graphs keep
   * the convolution that rounds as every TensorFlow's does.
   */
  public Winograd winograd(int in, int out, Padding padding, Mode mode) {
    long channels = (long) in * out;
    if (mode != Mode.TRAIN || padding != Padding.VALID || channels < winogradFrom) {
      return null;
    }
    return new Winograd(channels >= WINOGRAD_SMALL_TILES ? 2 : 4);
  }

  /** A block's 3×3 convolution, then its bias or batch norm, then ReLU, as this tuning builds them. */
  Operand<TFloat32> convolution(Ops tf, Operand<TFloat32> x, Blocks.Conv conv, Blocks.Context context) {
    Winograd tiles = winograd(conv.in(), conv.out(), conv.padding(), context.mode());
    if (tiles != null && WinogradConv.fits(x)) {
      return conv.normAndRelu(WinogradConv.apply(tf, x, conv.kernel(), tiles), context);
    }
    if (rowHalves(conv.in(), conv.out(), conv.padding())) {
      return RowHalves.apply(tf, x, half -> direct(tf, half, conv, context));
    }
    return direct(tf, x, conv, context);
  }

  private Operand<TFloat32> direct(Ops tf, Operand<TFloat32> x, Blocks.Conv conv, Blocks.Context context) {
    if (conv.bias() != null) {
      return convBiasRelu(tf, x, conv.kernel(), conv.bias(), conv.padding(), context.mode());
    }
    return conv.normAndRelu(LayerOps.conv(tf, x, conv.kernel(), conv.padding()), context);
  }

  /** ReLU(convolution + bias): one fused op in tuned training graphs, the three ops elsewhere. */
  Operand<TFloat32> convBiasRelu(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel, Operand<TFloat32> bias,
      Padding padding, Mode mode) {
    if (oneDnnFp32 && mode == Mode.TRAIN) {
      return LayerOps.fusedConvBiasRelu(tf, x, kernel, bias, padding);
    }
    return tf.nn.relu(bias(tf, LayerOps.conv(tf, x, kernel, padding), bias, mode));
  }

  /** {@code x} plus a bias per channel: {@code BiasAddV1} in tuned training graphs, {@code BiasAdd} elsewhere. */
  Operand<TFloat32> bias(Ops tf, Operand<TFloat32> x, Operand<TFloat32> bias, Mode mode) {
    return oneDnnFp32 && mode == Mode.TRAIN ? LayerOps.biasAddV1(tf, x, bias) : LayerOps.biasAdd(tf, x, bias);
  }

  /** The 2×2 up-convolution from a {@code [2, 2, out, in]} kernel. */
  Operand<TFloat32> upConv(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel) {
    return oneDnnFp32 ? LayerOps.matMulUpConv(tf, x, kernel) : LayerOps.transposedUpConv(tf, x, kernel);
  }
}
