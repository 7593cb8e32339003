package org.unettf.numerics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.unettf.numerics.ConnectedComponents.Labelling;
import org.unettf.numerics.Stitching.Merge;

class StitchingTest {
  /**
   * Shared pixels labelled 1 1 1 2 2 0 3 by one block and 10 10 10 10 20 20 20 by the other.
   * Pairs: (1,10)×3, (2,10)×1, (2,20)×1, (3,20)×1. Best matches: 1→10, 2→10 (tie with 20,
   * smaller id), 3→20; 10→1, 20→2 (tie with 3). Only 1 and 10 are each other's best, and they
   * share 3 of min(3, 4) pixels: one merge.
   */
  @Test
  void onlyMutualBestMatchesMerge() {
    int[] a = {1, 1, 1, 2, 2, 0, 3};
    int[] b = {10, 10, 10, 10, 20, 20, 20};
    assertEquals(List.of(new Merge(1, 10)), Stitching.overlaps(a, b, 0.5));
    assertEquals(List.of(new Merge(1, 10)), Stitching.overlaps(a, b, 1.0), "all 3 pixels of 1 lie in 10");
  }

  @Test
  void theOverlapFractionIsOfTheSmallerSegment() {
    int[] a = {1, 1, 1, 1, 1, 1, 0, 0};
    int[] b = {0, 0, 0, 0, 7, 7, 7, 7};
    assertEquals(List.of(new Merge(1, 7)), Stitching.overlaps(a, b, 0.5));
    assertEquals(List.of(), Stitching.overlaps(a, b, 0.6));
  }

  @Test
  void unionFindKeepsTheSmallestIdWhateverTheOrder() {
    UnionFind one = new UnionFind();
    one.union(5, 3);
    one.union(3, 9);
    one.union(7, 8);
    UnionFind other = new UnionFind();
    other.union(8, 7);
    other.union(9, 5);
    other.union(5, 3);
    for (UnionFind u : List.of(one, other)) {
      assertEquals(3, u.find(9));
      assertEquals(3, u.find(5));
      assertEquals(7, u.find(8));
      assertEquals(1, u.find(1));
      int[] labels = {0, 9, 9, 5, 8, 1, 3};
      u.relabel(labels);
      assertArrayEquals(new int[] {0, 3, 3, 3, 7, 1, 3}, labels);
    }
  }

  /**
   * A 128×64 image of random cells segmented whole and as two blocks with a 32-pixel shared
   * halo (x 48–79), the right block's ids offset by 1000. Each block keeps its half (cut at
   * x = 64); the cells that cross the cut are joined by the overlaps in the halo. The stitched
   * image is then the whole image's segmentation, cell for cell, away from the block edges.
   */
  @Test
  void blocksWithAHaloStitchIntoTheWholeSegmentation() {
    int w = 128;
    int h = 64;
    float[] cell = InstancesBench.synthetic(w, h, new Random(2));
    Instances.Parameters p = Instances.Parameters.defaults();
    int[] whole = Instances.segment(cell, w, h, p).labels();
    int[] left = segmentColumns(cell, w, h, 0, 80, p);
    int[] right = segmentColumns(cell, w, h, 48, 128, p);
    Stitching.offset(right, 1000);
    int halo = 80 - 48;
    int[] fromLeft = new int[halo * h];
    int[] fromRight = new int[halo * h];
    for (int y = 0; y < h; y++) {
      for (int x = 48; x < 80; x++) {
        fromLeft[y * halo + x - 48] = left[y * 80 + x];
        fromRight[y * halo + x - 48] = right[y * 80 + x - 48];
      }
    }
    UnionFind joins = new UnionFind();
    for (Merge m : Stitching.overlaps(fromLeft, fromRight, 0.5)) {
      joins.union(m.a(), m.b());
    }
    int[] stitched = new int[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        stitched[y * w + x] = x < 64 ? left[y * 80 + x] : right[y * 80 + x - 48];
      }
    }
    joins.relabel(stitched);
    // Compare away from the outer edges of the blocks (x 16–111), where both saw the same.
    int[] a = crop(whole, w, h, 16, 112);
    int[] b = crop(stitched, w, h, 16, 112);
    int crossing = 0;
    for (int y = 0; y < h; y++) {
      int i = y * 96 + 63 - 16;
      if (a[i] != 0 && a[i] == a[i + 1]) {
        crossing++;
        assertEquals(b[i], b[i + 1], "a cell crossing the cut at y = " + y + " is not stitched");
      }
    }
    assertTrue(crossing > 10, "the test image should have cells crossing the cut");
    InstancesTest.assertSamePartition(a, b);
  }

  /** A region counted in pieces of any size gives the merges of the region counted whole. */
  @Test
  void aTallyOfPiecesMergesAsTheWholeRegion() {
    int w = 96;
    int h = 64;
    Instances.Parameters p = Instances.Parameters.defaults();
    int[] a = Instances.segment(InstancesBench.synthetic(w, h, new Random(3)), w, h, p).labels();
    int[] b = Instances.segment(InstancesBench.synthetic(w, h, new Random(4)), w, h, p).labels();
    Stitching.offset(b, 500);
    List<Merge> whole = Stitching.overlaps(a, b, 0.3);
    assertTrue(whole.size() > 3, "the two images should share some cells: " + whole);
    Random random = new Random(5);
    for (int trial = 0; trial < 5; trial++) {
      Stitching.Tally tally = new Stitching.Tally();
      for (int from = 0; from < a.length; ) {
        int to = Math.min(a.length, from + 1 + random.nextInt(900));
        tally.add(Arrays.copyOfRange(a, from, to), Arrays.copyOfRange(b, from, to));
        from = to;
      }
      assertEquals(whole, tally.merges(0.3), "trial " + trial);
    }
  }

  /**
   * A block's cells with a halo: those with pixels in the core are 1..inner, numbered in the
   * core's raster order, the rest after them; the partition is the block's own 2D one.
   */
  @Test
  void aBlocksOwnCellsComeFirst() {
    int w = 90;
    int h = 70;
    Instances.Parameters p = Instances.Parameters.defaults();
    float[] cell = InstancesBench.synthetic(w, h, new Random(6));
    Instances.BlockCells cells = Instances.segmentBlock(new float[][] {cell}, w, h, 20, 10, 40, 30, p);
    InstancesTest.assertSamePartition(Instances.segment(cell, w, h, p).labels(), cells.labels());
    int next = 1;
    Set<Integer> inCore = new HashSet<>();
    for (int y = 10; y < 40; y++) {
      for (int x = 20; x < 60; x++) {
        int id = cells.labels()[y * w + x];
        if (id != 0 && inCore.add(id)) {
          assertEquals(next++, id, "core ids in raster order");
        }
      }
    }
    assertEquals(inCore.size(), cells.inner());
    assertTrue(cells.count() > cells.inner(), "the halo holds cells of its own");
    for (int id : cells.labels()) {
      assertTrue(id == 0 || inCore.contains(id) == (id <= cells.inner()), "id " + id);
    }
  }

  private static int[] segmentColumns(float[] cell, int w, int h, int from, int to, Instances.Parameters p) {
    int bw = to - from;
    float[] block = new float[bw * h];
    for (int y = 0; y < h; y++) {
      System.arraycopy(cell, y * w + from, block, y * bw, bw);
    }
    Labelling l = Instances.segment(block, bw, h, p);
    return l.labels();
  }

  private static int[] crop(int[] labels, int w, int h, int from, int to) {
    int bw = to - from;
    int[] out = new int[bw * h];
    for (int y = 0; y < h; y++) {
      System.arraycopy(labels, y * w + from, out, y * bw, bw);
    }
    return out;
  }
}
