package org.unettf.model;

import java.util.Arrays;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.unettf.config.RuntimeConfig;
import org.unettf.config.RuntimeConfig.Precision;

/**
 * What {@code precision: auto} means on this machine, decided once per process: bf16 where the CPU
 * multiplies bf16 itself (AMX tiles, or AVX-512's BF16 dot products) and a short probe confirms
 * that oneDNN's bf16 rewrite runs a matrix product faster than fp32 here; fp32 everywhere else,
 * GPUs included (fp16 or bf16 there is asked for by name).
 */
public final class Precisions {
  /** bf16 must beat fp32 by this much on the probe, or it is not worth its rounding. */
  static final double GAIN = 1.3;
  private static final int N = 2048;

  private Precisions() {}

  /** The precision chosen, and why, in words for the log. */
  public record Choice(Precision precision, String reason) {}

  /** {@code runtime}'s precision, {@code auto} resolved. */
  public static Precision of(RuntimeConfig runtime) {
    return choose(runtime).precision();
  }

  public static Choice choose(RuntimeConfig runtime) {
    if (runtime.precision() != Precision.AUTO) {
      return new Choice(runtime.precision(), "as configured");
    }
    if (runtime.gpu()) {
      return new Choice(Precision.FP32, "auto on a GPU: fp32 (ask for bf16 or fp16 by name)");
    }
    return Cpu.CHOICE;
  }

  /** The CPU's answer, probed once: every session of the process then runs the same precision. */
  private static final class Cpu {
    static final Choice CHOICE = probe();

    private static Choice probe() {
      List<String> flags = RuntimeConfig.cpuFlags();
      List<String> bf16 = flags.stream().filter(f -> f.equals("amx_bf16") || f.equals("avx512_bf16")).toList();
      if (bf16.isEmpty()) {
        return new Choice(Precision.FP32, "auto: fp32, the CPU has no bf16 instructions (amx_bf16, avx512_bf16)");
      }
      double fp32 = seconds(Precision.FP32);
      double half = seconds(Precision.BF16);
      double gain = fp32 / half;
      String measured = String.format("a %d² matrix product ran %.1f× as fast in bf16", N, gain);
      return gain >= GAIN
          ? new Choice(Precision.BF16, "auto: bf16, the CPU has " + String.join(" and ", bf16) + " and " + measured)
          : new Choice(Precision.FP32, "auto: fp32, though the CPU has " + String.join(" and ", bf16) + ", "
              + measured + ", less than " + GAIN + "×");
    }

    /** The median time of a few products in a session at {@code precision}, after a warm-up run. */
    private static double seconds(Precision precision) {
      RuntimeConfig runtime = new RuntimeConfig(0, 0, "cpu", 1, precision, true);
      try (Graph g = new Graph(); Session s = new Session(g, Sessions.config(runtime))) {
        Ops tf = Ops.create(g);
        // A variable, drawn once, so that only the product is timed.
        Operand<TFloat32> a = tf.variable(
            tf.random.statelessRandomNormal(tf.constant(new int[] {N, N}), tf.constant(new long[] {1, 2})));
        Operand<TFloat32> product = tf.reduceSum(tf.linalg.matMul(a, a), tf.constant(new int[] {0, 1}));
        double[] times = new double[3];
        s.initialize();
        s.runner().fetch(product).run().close();
        for (int i = 0; i < times.length; i++) {
          long t0 = System.nanoTime();
          s.runner().fetch(product).run().close();
          times[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(times);
        return times[times.length / 2];
      }
    }
  }
}
