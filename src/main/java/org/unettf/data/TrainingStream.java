package org.unettf.data;

import java.util.List;

/**
 * The training input pipeline: endless sample keys, shuffled, augmented on worker threads,
 * batched and prefetched. Everything in a batch follows from the seed and the batch's position,
 * so a run resumed at step {@code n} sees the batches an uninterrupted run would.
 */
public final class TrainingStream {
  private TrainingStream() {}

  public static Dataset<List<Sample>> of(
      List<Slice> slices, Augmenter augmenter, long seed, int batch, int shuffleBuffer, int threads, int prefetch,
      long skipSamples) {
    return SampleKey.endless(slices.size())
        .shuffle(shuffleBuffer, seed)
        .skip(skipSamples)
        .map(key -> augmenter.sample(slices.get(key.slice()), key.random(seed)), threads)
        .batch(batch)
        .prefetch(prefetch);
  }
}
