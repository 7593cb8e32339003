package org.unettf.infer.volume;

/** Where a prediction's probabilities and masks go, chunk by chunk. Writes may come from several threads. */
interface Outputs extends AutoCloseable {
  /** Whether every chunk of block {@code index} is written, by this run or an earlier one. */
  boolean complete(long index);

  /** Writes the chunks of the result's block that are not written yet. */
  void write(long index, BlockResult result);

  /** Finishes the outputs once every block is written. */
  void commit();

  /** Releases files; outputs not committed are left as they were before the run. */
  @Override
  void close();
}
