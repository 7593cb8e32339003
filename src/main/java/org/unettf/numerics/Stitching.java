package org.unettf.numerics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
    if (a.length != b.length) {
      throw new IllegalArgumentException("the two labellings cover " + a.length + " and " + b.length + " pixels");
    }
    long[] pairs = new long[a.length];
    int n = 0;
    for (int i = 0; i < a.length; i++) {
      if (a[i] != 0 && b[i] != 0) {
        pairs[n++] = ((long) a[i] << 32) | (b[i] & 0xffffffffL);
      }
    }
    Arrays.sort(pairs, 0, n);
    Counts sizesA = Counts.of(a);
    Counts sizesB = Counts.of(b);
    // Best partner of every id on either side, from the runs of equal pairs; the runs come in
    // order of (a, b), so a strict comparison keeps the smaller id of a tie.
    int[] bestOfA = new int[sizesA.ids.length];
    long[] bestCountOfA = new long[sizesA.ids.length];
    int[] bestOfB = new int[sizesB.ids.length];
    long[] bestCountOfB = new long[sizesB.ids.length];
    for (int start = 0; start < n; ) {
      int end = start;
      while (end < n && pairs[end] == pairs[start]) {
        end++;
      }
      int idA = (int) (pairs[start] >> 32);
      int idB = (int) pairs[start];
      long count = end - start;
      int ia = sizesA.index(idA);
      int ib = sizesB.index(idB);
      if (count > bestCountOfA[ia]) {
        bestCountOfA[ia] = count;
        bestOfA[ia] = idB;
      }
      if (count > bestCountOfB[ib]) {
        bestCountOfB[ib] = count;
        bestOfB[ib] = idA;
      }
      start = end;
    }
    List<Merge> merges = new ArrayList<>();
    for (int ia = 0; ia < sizesA.ids.length; ia++) {
      if (bestCountOfA[ia] == 0) {
        continue;
      }
      int idA = sizesA.ids[ia];
      int idB = bestOfA[ia];
      int ib = sizesB.index(idB);
      long smaller = Math.min(sizesA.counts[ia], sizesB.counts[ib]);
      if (bestOfB[ib] == idA && bestCountOfA[ia] >= minOverlap * smaller) {
        merges.add(new Merge(idA, idB));
      }
    }
    return merges;
  }

  /** Adds {@code offset} to every non-zero id, in place, to make a block's ids unique. */
  public static void offset(int[] labels, int offset) {
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] != 0) {
        labels[i] += offset;
      }
    }
  }

  /** The non-zero ids of a labelling, sorted, with their pixel counts. */
  private record Counts(int[] ids, long[] counts) {
    static Counts of(int[] labels) {
      int[] sorted = Arrays.stream(labels).filter(l -> l != 0).sorted().toArray();
      int distinct = 0;
      for (int i = 0; i < sorted.length; i++) {
        if (i == 0 || sorted[i] != sorted[i - 1]) {
          distinct++;
        }
      }
      int[] ids = new int[distinct];
      long[] counts = new long[distinct];
      int k = -1;
      for (int i = 0; i < sorted.length; i++) {
        if (i == 0 || sorted[i] != sorted[i - 1]) {
          ids[++k] = sorted[i];
        }
        counts[k]++;
      }
      return new Counts(ids, counts);
    }

    int index(int id) {
      return Arrays.binarySearch(ids, id);
    }
  }
}
