package org.unettf.infer.volume;

import java.io.Serializable;
import org.unettf.data.BlockGrid;

/**
 * A further output computed block by block from the probabilities, such as instance labels: the
 * engine predicts each block with {@link #halo()} voxels of context around it (which it predicts
 * like the block itself, so halos of neighbours agree) and hands every block to {@link #accept}.
 * Blocks arrive from several threads at once, and on a cluster in several processes, each with
 * its own instance made by a {@link Factory}.
 */
public interface BlockOutput extends AutoCloseable {
  /** Makes the output's instance in each process that predicts blocks; shipped to cluster workers. */
  @FunctionalInterface
  interface Factory extends Serializable {
    BlockOutput open(VolumeJob job);
  }

  /** Voxels of probabilities wanted on each side of a block, {@code [z, y, x]}; clipped at the volume's borders. */
  default int[] halo() {
    return new int[] {0, 0, 0};
  }

  /** Whether this output holds the block already, so that a resumed run may skip it. */
  boolean complete(BlockGrid.Box block);

  /** Writes what this output makes of one block. */
  void accept(BlockResult result);

  /** Called once after every block is done, in the process that started the prediction. */
  default void commit() {}

  @Override
  default void close() {}
}
