package org.unettf.infer.volume;

/** Runs a job's blocks somewhere: on threads of this process, or on a cluster. */
interface Engine {
  /** Predicts and writes {@code blocks} (indices into the job's grid), reporting each to {@code progress}. */
  void run(long[] blocks, VolumeProgress progress);
}
