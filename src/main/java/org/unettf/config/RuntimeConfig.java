package org.unettf.config;

/**
 * How TensorFlow runs: threads (0: one intra-op thread per core), device ({@code auto} uses a GPU
 * when TF finds one, {@code cpu} never does, {@code gpu:N} insists on GPU N), {@code replicas}
 * (in-graph data parallelism: one tower per device, each on an equal share of the batch) and
 * {@code precision} ({@code fp32}; {@code bf16} through oneDNN on CPUs with AMX or on GPUs;
 * {@code fp16} on GPUs).
 */
public record RuntimeConfig(int intraOpThreads, int interOpThreads, String device, int replicas, Precision precision) {

  public enum Precision {
    FP32,
    BF16,
    FP16
  }

  public RuntimeConfig(int intraOpThreads, int interOpThreads, String device) {
    this(intraOpThreads, interOpThreads, device, 1, Precision.FP32);
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
