package org.unettf.config;

/**
 * How TensorFlow runs: threads (0: one intra-op thread per core), device ({@code auto} uses a GPU
 * when TF finds one, {@code cpu} never does, {@code gpu:N} insists on GPU N), {@code replicas}
 * (in-graph data parallelism: one tower per device, each on an equal share of the batch),
 * {@code precision} ({@code fp32}; {@code bf16} through oneDNN on CPUs with AMX or on GPUs;
 * {@code fp16} on GPUs; {@code auto}: bf16 on a CPU with AMX, fp32 otherwise) and {@code winograd}
 * (whether fp32 training on a CPU may run its widest convolutions by Winograd's algorithm, which
 * rounds differently from a direct convolution).
 */
public record RuntimeConfig(int intraOpThreads, int interOpThreads, String device, int replicas, Precision precision,
    boolean winograd) {

  public enum Precision {
    FP32,
    BF16,
    FP16,
    AUTO
  }

  /** The precision {@code auto} stands for here: bf16 where the CPU multiplies it in AMX tiles. */
  public Precision precisionResolved() {
    if (precision != Precision.AUTO) {
      return precision;
    }
    return !gpu() && CpuFeatures.AMX_BF16 ? Precision.BF16 : Precision.FP32;
  }

  /** What /proc/cpuinfo says the processor can do. */
  static final class CpuFeatures {
    static final boolean AMX_BF16 = flag("amx_bf16");

    private CpuFeatures() {}

    private static boolean flag(String name) {
      try {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
          if (line.startsWith("flags")) {
            return java.util.Arrays.asList(line.substring(line.indexOf(':') + 1).trim().split("\\s+")).contains(name);
          }
        }
      } catch (java.io.IOException | RuntimeException ignored) {
        // Not Linux: no AMX assumed.
      }
      return false;
    }
  }

  public RuntimeConfig(int intraOpThreads, int interOpThreads, String device) {
    this(intraOpThreads, interOpThreads, device, 1, Precision.FP32, true);
  }

  public int intraOpThreadsResolved() {
    return intraOpThreads > 0 ? intraOpThreads : Runtime.getRuntime().availableProcessors();
  }

  public int interOpThreadsResolved() {
    return interOpThreads > 0 ? interOpThreads : Math.min(2, Runtime.getRuntime().availableProcessors());
  }

  public boolean gpu() {
    return device.startsWith("gpu");
  }

  public static RuntimeConfig defaults() {
    return new RuntimeConfig(0, 0, "auto");
  }
}
