package org.unettf.infer.volume;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;

/**
 * One Spark task: predicts its partition's blocks in the executor, with the executor's model, and
 * writes their chunks there. Blocks found complete (by an earlier run, or by a task that failed
 * after writing them) are skipped, so a retried task redoes only what is missing. Returns per
 * block its index and the voxels predicted (0: skipped): a few numbers, nothing large.
 */
final class SparkBlocks implements FlatMapFunction<Iterator<Long>, long[]> {
  private final VolumeJob job;

  SparkBlocks(VolumeJob job) {
    this.job = job;
  }

  @Override
  public Iterator<long[]> call(Iterator<Long> blocks) {
    List<long[]> out = new ArrayList<>();
    if (!blocks.hasNext()) {
      return out.iterator();
    }
    Network network = ExecutorModels.network(job);
    try (BlockWorker worker = BlockWorker.open(job, network, null, null, notice -> { })) {
      while (blocks.hasNext()) {
        long block = blocks.next();
        out.add(new long[] {block, worker.complete(block) ? 0 : worker.process(block)});
      }
    }
    return out.iterator();
  }
}
