package org.unettf.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How TensorFlow runs: threads (0: one intra-op thread per core), device ({@code auto} uses a GPU
 * when TF finds one, {@code cpu} never does, {@code gpu:N} insists on GPU N), {@code replicas}
 * (in-graph data parallelism: one tower per device, each on an equal share of the batch),
 * {@code precision} ({@code fp32}; {@code bf16} through oneDNN on CPUs with AMX or on GPUs;
 * {@code fp16} on GPUs; {@code auto}: bf16 on a CPU with bf16 instructions where it proves faster,
 * fp32 otherwise, see {@code model.Precisions}) and {@code winograd}
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

  /** The flags /proc/cpuinfo gives the processor; empty where there is none (not Linux). */
  public static List<String> cpuFlags() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("flags")) {
          return List.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // Not Linux: no flags known.
    }
    return List.of();
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
