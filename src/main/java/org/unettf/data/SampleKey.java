package org.unettf.data;

import java.util.Iterator;
import java.util.SplittableRandom;

/**
 * The identity of one training sample: its epoch, its index in the epoch and the slice it is
 * drawn from. Its random stream is seeded from (seed, epoch, index) alone, which makes a sample
 * the same whichever thread draws it and whenever a resumed run reaches it again.
 */
public record SampleKey(int epoch, int index, int slice) {

  public SplittableRandom random(long seed) {
    long mixed = mix(mix(mix(seed) ^ epoch) ^ index);
    return new SplittableRandom(mixed);
  }

  /** Stafford's variant 13 of the SplitMix64 finaliser. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** Keys for {@code slices} slices, epoch after epoch without end: slice = index within the epoch. */
  public static Dataset<SampleKey> endless(int slices) {
    return Dataset.of(() -> new Iterator<>() {
      long position;

      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public SampleKey next() {
        int epoch = (int) (position / slices);
        int index = (int) (position % slices);
        position++;
        return new SampleKey(epoch, index, index);
      }
    });
  }
}
