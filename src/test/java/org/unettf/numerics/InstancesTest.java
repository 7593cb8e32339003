package org.unettf.numerics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.unettf.numerics.ConnectedComponents.Labelling;
import org.unettf.numerics.Instances.Parameters;

public class InstancesTest {
  private static final Parameters DEFAULTS = Parameters.defaults();
  /** The defaults but for the minimum segment size, which would swallow these tiny images. */
  private static final Parameters TINY = DEFAULTS.withMerging(0, DEFAULTS.mergeBelow(), DEFAULTS.mergeWithin());

  /** A 9×5 map of certain cells with the given cell probability in column 4. */
  private static float[] wall(float... column) {
    float[] cell = new float[9 * 5];
    for (int y = 0; y < 5; y++) {
      for (int x = 0; x < 9; x++) {
        cell[y * 9 + x] = x == 4 ? column[y] : 1f;
      }
    }
    return cell;
  }

  private static int at(Labelling l, int x, int y) {
    return l.labels()[y * 9 + x];
  }

  /** A membrane down column 4: two seeds, two cells, the line on the membrane. */
  @Test
  void aMembraneSeparatesTwoCells() {
    Labelling l = Instances.segment(wall(0, 0, 0, 0, 0), 9, 5, TINY);
    assertEquals(2, l.count());
    for (int y = 0; y < 5; y++) {
      assertEquals(1, at(l, 0, y));
      assertEquals(1, at(l, 3, y));
      assertEquals(0, at(l, 4, y));
      assertEquals(2, at(l, 5, y));
      assertEquals(2, at(l, 8, y));
    }
  }

  /**
   * The membrane has a gap of probability 0.95 at y = 2: every threshold up to 0.9 joins the
   * two sides, but the seeds (above 0.98) do not, and the line's mean membrane probability,
   * (4·1 + 0.05)/5 = 0.81, is too strong to merge across.
   */
  @Test
  void aGapInTheMembraneDoesNotMergeTheCells() {
    Labelling l = Instances.segment(wall(0, 0, 0.95f, 0, 0), 9, 5, TINY);
    assertEquals(2, l.count());
    assertNotEquals(at(l, 0, 2), at(l, 8, 2));
    assertEquals(0, at(l, 4, 2));
  }

  /**
   * A faint dip (probability 0.9) down column 4 splits the seeds, but the line between them
   * has mean membrane 0.1 and both lie in one region above 0.8: they merge, the line pixels
   * join the cell, and it is all one cell.
   */
  @Test
  void aWeakLineInsideACellIsRemoved() {
    Labelling l = Instances.segment(wall(0.9f, 0.9f, 0.9f, 0.9f, 0.9f), 9, 5, TINY);
    assertEquals(1, l.count());
    assertTrue(Arrays.stream(l.labels()).allMatch(v -> v == 1));
  }

  /**
   * A faint but unbroken membrane (0.7: mean membrane 0.3, below 0.6) survives because no
   * region above {@code mergeWithin} = 0.8 joins its sides; without that condition it goes.
   */
  @Test
  void aFaintClosedMembraneSurvives() {
    float[] faint = wall(0.7f, 0.7f, 0.7f, 0.7f, 0.7f);
    assertEquals(2, Instances.segment(faint, 9, 5, TINY).count());
    assertEquals(1, Instances.segment(faint, 9, 5, TINY.withMerging(0, 0.6, 0)).count());
  }

  /**
   * A 2×1 speck of certain cell sits in a 4-pixel membrane band (x 8–11) between two 8×10
   * cells. It seeds a segment of its own, which takes a share of the band but stays smaller
   * than 50 pixels, and joins a neighbour.
   */
  @Test
  void smallSegmentsJoinANeighbour() {
    int w = 20;
    int h = 10;
    float[] cell = new float[w * h];
    for (int p = 0; p < cell.length; p++) {
      int x = p % w;
      cell[p] = x >= 8 && x <= 11 ? 0 : 1;
    }
    cell[5 * w + 9] = 1;
    cell[5 * w + 10] = 1;
    Labelling without = Instances.segment(cell, w, h, DEFAULTS.withMerging(0, 0, 0));
    assertEquals(3, without.count());
    Labelling with = Instances.segment(cell, w, h, DEFAULTS);
    assertEquals(2, with.count());
  }

  /**
   * Random blurred maps: labels 1..count all used; no two neighbours carry different labels;
   * every 0 next to a cell touches two different cells; segments are at least
   * {@code minSegmentSize} unless alone; the same input gives the same output.
   */
  @Test
  void invariantsOnRandomMaps() {
    Random random = new Random(5);
    for (int trial = 0; trial < 20; trial++) {
      int w = 20 + random.nextInt(80);
      int h = 20 + random.nextInt(80);
      float[] noise = new float[w * h];
      for (int i = 0; i < noise.length; i++) {
        noise[i] = random.nextFloat();
      }
      float[] blurred = GaussianBlur.blur(noise, w, h, 2);
      float[] cell = new float[w * h];
      for (int i = 0; i < cell.length; i++) {
        cell[i] = (float) Math.min(1, Math.max(0, (blurred[i] - 0.5) * 8 + 0.5));
      }
      Parameters p = trial % 2 == 0 ? DEFAULTS : DEFAULTS.withSigma(1).withSeeds(Instances.Seeding.DISTANCE, 0.7, 1, 3);
      Labelling l = Instances.segment(cell, w, h, p);
      checkPartition(l, w, h, 1);
      int[] sizes = new int[l.count() + 1];
      for (int v : l.labels()) {
        sizes[v]++;
      }
      for (int id = 1; id <= l.count(); id++) {
        assertTrue(sizes[id] >= p.minSegmentSize() || l.count() == 1, "segment " + id + " of " + sizes[id] + " px");
      }
      assertArrayEquals(l.labels(), Instances.segment(cell, w, h, p).labels(), "deterministic");
    }
  }

  /**
   * Two slices with the membrane moving from column 4 to column 5: the left cells overlap
   * (4 of 5 columns), so do the right ones; each pair links into one id, the two stay apart,
   * and each slice's partition is its 2D one.
   */
  @Test
  void cellsLinkThroughZByOverlap() {
    int w = 10;
    int h = 5;
    float[] volume = new float[w * h * 2];
    for (int z = 0; z < 2; z++) {
      for (int p = 0; p < w * h; p++) {
        volume[z * w * h + p] = p % w == 4 + z ? 0 : 1;
      }
    }
    Labelling l = Instances.segment(volume, w, h, 2, TINY);
    assertEquals(2, l.count());
    int[] v = l.labels();
    assertEquals(v[0], v[w * h]);
    assertEquals(v[9], v[w * h + 9]);
    assertNotEquals(v[0], v[9]);
    for (int z = 0; z < 2; z++) {
      float[] slice = Arrays.copyOfRange(volume, z * w * h, (z + 1) * w * h);
      int[] flat = Instances.segment(slice, w, h, TINY).labels();
      assertSamePartition(flat, Arrays.copyOfRange(v, z * w * h, (z + 1) * w * h));
    }
  }

  /**
   * A cell that divides between slices: slice 0 has one cell over the whole width, slice 1
   * two (membrane at column 6, so 6 and 3 columns). The big cell links only to its best match
   * (the left one); the right cell keeps an id of its own, and the two of slice 1 stay apart.
   */
  @Test
  void aDividingCellLinksToOneBranchOnly() {
    int w = 10;
    int h = 5;
    float[] volume = new float[w * h * 2];
    Arrays.fill(volume, 1);
    for (int y = 0; y < h; y++) {
      volume[w * h + y * w + 6] = 0;
    }
    Labelling l = Instances.segment(volume, w, h, 2, TINY);
    int[] v = l.labels();
    assertEquals(2, l.count());
    assertEquals(v[0], v[w * h]);
    assertNotEquals(v[w * h], v[w * h + 9]);
  }

  /** The labels are a partition: 1..count all used, lines one pixel wide and separating. */
  static void checkPartition(Labelling l, int w, int h, int least) {
    int[] v = l.labels();
    boolean[] used = new boolean[l.count() + 1];
    int[] around = new int[4];
    for (int p = 0; p < v.length; p++) {
      assertTrue(v[p] >= 0 && v[p] <= l.count());
      used[v[p]] = true;
      int x = p % w;
      if (v[p] != 0 && x < w - 1 && v[p + 1] != 0) {
        assertEquals(v[p], v[p + 1], "neighbours " + p + " and " + (p + 1));
      }
      if (v[p] != 0 && p + w < v.length && v[p + w] != 0) {
        assertEquals(v[p], v[p + w], "neighbours " + p + " and " + (p + w));
      }
      if (v[p] == 0) {
        int k = Agglomeration.distinctAround(v, p, w, h, around);
        assertTrue(k == 0 || k >= 2, "line pixel " + p + " touches one cell only");
      }
    }
    for (int id = least; id <= l.count(); id++) {
      assertTrue(used[id], "label " + id + " unused");
    }
  }

  /** The same segments under other names: one id of {@code a} is one id of {@code b}, boundaries alike. */
  public static void assertSamePartition(int[] a, int[] b, String what) {
    assertEquals(a.length, b.length, what);
    Map<Integer, Integer> ab = new HashMap<>();
    Map<Integer, Integer> ba = new HashMap<>();
    for (int i = 0; i < a.length; i++) {
      int x = a[i];
      int y = b[i];
      assertEquals(x == 0, y == 0, what + ": boundary differs at pixel " + i);
      assertEquals(y, ab.computeIfAbsent(x, k -> y), what + ": a segment is split at pixel " + i);
      assertEquals(x, ba.computeIfAbsent(y, k -> x), what + ": two segments are merged at pixel " + i);
    }
  }

  public static void assertSamePartition(int[] a, int[] b) {
    assertSamePartition(a, b, "partition");
  }
}
