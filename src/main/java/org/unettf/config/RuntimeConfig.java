package org.unettf.config;

/**
 * TensorFlow's threads (0: one per core) and device: {@code auto} uses a GPU when TF finds one,
 * {@code cpu} never does, {@code gpu:N} insists on GPU N.
 */
public record RuntimeConfig(int intraOpThreads, int interOpThreads, String device) {

  public int intraOpThreadsResolved() {
    return intraOpThreads > 0 ? intraOpThreads : Runtime.getRuntime().availableProcessors();
  }

  public int interOpThreadsResolved() {
    return interOpThreads > 0 ? interOpThreads : Math.min(2, Runtime.getRuntime().availableProcessors());
  }

  public static RuntimeConfig defaults() {
    return new RuntimeConfig(0, 0, "auto");
  }
}
