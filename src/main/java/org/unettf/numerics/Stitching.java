package org.unettf.numerics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Joins segmentations that overlap: neighbouring blocks segmented apart (each with a halo, their
 * ids made unique by the caller, e.g. offset by block index × ids per block), or consecutive
 * slices of a volume segmented in 2D.
 *
 * <p>Given the two labellings of the same pixels (the blocks' shared halo region, or two
 * slices), a pair of ids is one cell when each is the other's best match (the id it shares
 * most pixels with; ties to the smaller id) and they share at least {@code minOverlap} of the
 * smaller one's pixels in the region. Mutual best matches pair each id with at most one
 * other, so two cells of one block or slice are never joined through one cell of the other.
 * {@link UnionFind} then merges the pairs of all faces, and its relabelling gives every cell
 * one id.
 */
public final class Stitching {
  private Stitching() {}

  /** Two ids to merge: {@code a} from the first labelling, {@code b} from the second. */
  public record Merge(int a, int b) {}

  /**
   * The ids to merge between two labellings of the same pixels (0: boundary, ignored).
   *
   * @param a the first block's (or slice's) labels of the shared pixels
   * @param b the second's labels of the same pixels, in the same order
   * @param minOverlap the least fraction of the smaller segment's pixels they must share
   * @return the pairs, ordered by {@code a}
   */
  public static List<Merge> overlaps(int[] a, int[] b, double minOverlap) {
    Tally tally = new Tally();
    tally.add(a, b);
    return tally.merges(minOverlap);
  }

  /**
   * {@link #overlaps} of a region that comes in pieces (such as a slice pair read block by
   * block): the pieces' pixels are counted together, as if they came as one pair of arrays.
   */
  public static final class Tally {
    private final Map<Long, Long> pairs = new HashMap<>();
    private final Map<Integer, Long> sizesA = new HashMap<>();
    private final Map<Integer, Long> sizesB = new HashMap<>();

    /** Counts one piece: two labellings of the same pixels, in the same order. */
    public void add(int[] a, int[] b) {
      if (a.length != b.length) {
        throw new IllegalArgumentException("the two labellings cover " + a.length + " and " + b.length + " pixels");
      }
      long[] both = new long[a.length];
      int n = 0;
      for (int i = 0; i < a.length; i++) {
        if (a[i] != 0 && b[i] != 0) {
          both[n++] = ((long) a[i] << 32) | (b[i] & 0xffffffffL);
        }
      }
      // Sorted, equal pairs form runs: one map update per distinct pair, not per pixel.
      Arrays.sort(both, 0, n);
      for (int start = 0; start < n; ) {
        int end = start;
        while (end < n && both[end] == both[start]) {
          end++;
        }
        pairs.merge(both[start], (long) (end - start), Long::sum);
        start = end;
      }
      count(a, sizesA);
      count(b, sizesB);
    }

    private static void count(int[] labels, Map<Integer, Long> sizes) {
      int[] sorted = labels.clone();
      Arrays.sort(sorted);
      for (int start = 0; start < sorted.length; ) {
        int end = start;
        while (end < sorted.length && sorted[end] == sorted[start]) {
          end++;
        }
        if (sorted[start] != 0) {
          sizes.merge(sorted[start], (long) (end - start), Long::sum);
        }
        start = end;
      }
    }

    /** The mutual best matches sharing at least {@code minOverlap} of the smaller segment, ordered by {@code a}. */
    public List<Merge> merges(double minOverlap) {
      long[] keys = pairs.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
      // In order of (a, b), a strict comparison keeps the smaller id of a tie.
      Map<Integer, long[]> bestOfA = new HashMap<>();
      Map<Integer, long[]> bestOfB = new HashMap<>();
      for (long key : keys) {
        int idA = (int) (key >> 32);
        int idB = (int) key;
        long count = pairs.get(key);
        long[] forA = bestOfA.computeIfAbsent(idA, k -> new long[2]);
        if (count > forA[1]) {
          forA[0] = idB;
          forA[1] = count;
        }
        long[] forB = bestOfB.computeIfAbsent(idB, k -> new long[2]);
        if (count > forB[1]) {
          forB[0] = idA;
          forB[1] = count;
        }
      }
      List<Merge> merges = new ArrayList<>();
      bestOfA.keySet().stream().sorted().forEach(idA -> {
        long[] best = bestOfA.get(idA);
        int idB = (int) best[0];
        long smaller = Math.min(sizesA.get(idA), sizesB.get(idB));
        if (bestOfB.get(idB)[0] == idA && best[1] >= minOverlap * smaller) {
          merges.add(new Merge(idA, idB));
        }
      });
      return merges;
    }
  }

  /** Adds {@code offset} to every non-zero id, in place, to make a block's ids unique. */
  public static void offset(int[] labels, int offset) {
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] != 0) {
        labels[i] += offset;
      }
    }
  }
}
