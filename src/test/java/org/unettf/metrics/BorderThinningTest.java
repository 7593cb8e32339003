package org.unettf.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.unettf.numerics.ConnectedComponents.Labelling;
import org.unettf.numerics.ConnectedComponents;
import org.unettf.numerics.GaussianBlur;

/**
 * Worked examples of the leaderboard's scores after border thinning. In the pictures '#' is a
 * cell pixel, '.' boundary (prediction) or membrane (truth).
 */
class BorderThinningTest {
  private static boolean[] cells(String... rows) {
    boolean[] m = new boolean[rows.length * rows[0].length()];
    for (int y = 0; y < rows.length; y++) {
      for (int x = 0; x < rows[0].length(); x++) {
        m[y * rows[0].length() + x] = rows[y].charAt(x) == '#';
      }
    }
    return m;
  }

  private static int[] truth(String... rows) {
    return ConnectedComponents.label(cells(rows), rows[0].length(), rows.length).labels();
  }

  private static RandInfo unthinned(int[] truth, boolean[] predicted, int width, int height) {
    Labelling l = ConnectedComponents.label(predicted, width, height);
    return RandInfo.score(truth, l.labels(), l.count());
  }

  private static RandInfo thinned(int[] truth, boolean[] predicted, int width, int height) {
    Labelling l = BorderThinning.thin(predicted, width, height);
    return RandInfo.score(truth, l.labels(), l.count());
  }

  /**
   * Truth: cells A (x 0–3) and B (x 5–8), membrane at x = 4. The prediction's boundary is three
   * pixels wide (x 3–5), so x = 3 (in A) and x = 5 (in B) are singletons: n = 8, p = {3/8, 3/8},
   * P0 = 2/8, Σp² = 18/64, P0/n = 2/64, Σt² = 32/64, Σs² = 18/64;
   * V_rand = 2·20 / (32 + 18 + 2) = 10/13.
   * Thinned: x 3 and x 5 touch a cell and take its label; x 4 then sees both: the line is at
   * x = 4, on the membrane, and both scores are 1.
   */
  @Test
  void aThickBoundaryCostsNothingOnceThinned() {
    int[] truth = truth("####.####");
    boolean[] predicted = cells("###...###");
    assertEquals(10.0 / 13, unthinned(truth, predicted, 9, 1).vRand(), 1e-12);
    assertArrayEquals(new int[] {1, 1, 1, 1, 0, 2, 2, 2, 2}, BorderThinning.thin(predicted, 9, 1).labels());
    assertEquals(1.0, thinned(truth, predicted, 9, 1).vRand(), 1e-12);
    assertEquals(1.0, thinned(truth, predicted, 9, 1).vInfo(), 1e-12);
  }

  /**
   * Truth: two 3×3 cells, membrane at x = 3. The prediction's boundary is three wide (x 2–4)
   * but has a gap in the middle row, so its cells are one segment. Un-thinned, (2,0), (2,2),
   * (4,0), (4,2) are singletons: n = 18, p = {7/18, 7/18}, P0 = 4/18, Σp² = 98/324,
   * P0/n = 4/324, Σt² = 162/324, Σs² = (14/18)² = 196/324; V_rand = 2·102/362 = 102/181.
   * Thinned, every boundary pixel sees that one segment only and joins it: one segment over
   * both cells, V_rand = 2·(1/2)/(1/2 + 1) = 2/3 and V_info = 0. Thinning removes the
   * singletons but cannot close the gap: the two cells stay merged.
   */
  @Test
  void aGapInTheBoundaryStaysAMergeOfTwoCells() {
    int[] truth = truth(
        "###.###",
        "###.###",
        "###.###");
    boolean[] predicted = cells(
        "##...##",
        "#######",
        "##...##");
    assertEquals(102.0 / 181, unthinned(truth, predicted, 7, 3).vRand(), 1e-12);
    Labelling thin = BorderThinning.thin(predicted, 7, 3);
    assertEquals(1, thin.count());
    assertTrue(Arrays.stream(thin.labels()).allMatch(l -> l == 1));
    assertEquals(2.0 / 3, thinned(truth, predicted, 7, 3).vRand(), 1e-12);
    assertEquals(0.0, thinned(truth, predicted, 7, 3).vInfo(), 1e-12);
  }

  /**
   * Truth as in the thick boundary. The prediction has a speck of cell (x = 4) on the membrane
   * inside a boundary of x 2–6. Un-thinned: x 2, 3, 5, 6 are singletons: n = 8, p = {2/8, 2/8},
   * P0 = 4/8, Σp² = 8/64, P0/n = 4/64, Σt² = 32/64, Σs² = 8/64; V_rand = 2·12/44 = 6/11.
   * Thinned (queue x 2, 3, 5, 6): x 2 → left cell; x 3 sees it and the speck → line; x 5 →
   * speck; x 6 sees the speck and the right cell → line. Labels 1 1 1 0 2 2 0 3 3: A = {1: 3
   * px, singleton x 3}, B = {speck: x 5, singleton x 6, 3: 2 px}. p = {3/8, 1/8, 2/8},
   * P0 = 2/8, Σp² = 14/64, P0/n = 2/64, Σt² = 32/64, Σs² = 14/64; V_rand = 2·16/48 = 2/3:
   * the speck now splits B, but that costs less than the singletons did.
   */
  @Test
  void aSpeckInTheBoundaryGrowsIntoASmallSegment() {
    int[] truth = truth("####.####");
    boolean[] predicted = cells("##..#..##");
    assertEquals(6.0 / 11, unthinned(truth, predicted, 9, 1).vRand(), 1e-12);
    assertArrayEquals(new int[] {1, 1, 1, 0, 2, 2, 0, 3, 3}, BorderThinning.thin(predicted, 9, 1).labels());
    assertEquals(2.0 / 3, thinned(truth, predicted, 9, 1).vRand(), 1e-12);
  }

  /**
   * A 4×2 slice, boundary two pixels wide (x 1, 2) between cells at x 0 and x 3; truth's
   * membrane is at x 1 only. Fiji's queue runs column by column: (1,0), (1,1) take the left
   * label; (2,0) then sees left and right labels and becomes line, (2,1) too. So the line is at
   * x = 2, inside truth's right cell: those two pixels are singletons.
   * n = 6 (left cell 2 px, right cell 4 px): p = {2/6 (left), 2/6 (right, x 3)}, P0 = 2/6;
   * Σp² = 8/36, P0/n = 2/36, Σt² = (4 + 16)/36, Σs² = 8/36; V_rand = 2·10/30 = 2/3.
   * Every segment lies in one true cell, so I = H(T) with H(T) = −(1/3 log 1/3 + 2/3 log 2/3)
   * and H(S) = −(2·1/3 log 1/3 + 2·1/6 log 1/6): V_info = 2 H(T) / (H(S) + H(T)).
   */
  @Test
  void aSmallSliceByHand() {
    int[] truth = truth(
        "#.##",
        "#.##");
    boolean[] predicted = cells(
        "#..#",
        "#..#");
    Labelling thin = BorderThinning.thin(predicted, 4, 2);
    assertArrayEquals(new int[] {1, 1, 0, 2, 1, 1, 0, 2}, thin.labels());
    RandInfo r = RandInfo.score(truth, thin.labels(), thin.count());
    assertEquals(2.0 / 3, r.vRand(), 1e-12);
    double ht = -(1.0 / 3 * Math.log(1.0 / 3) + 2.0 / 3 * Math.log(2.0 / 3));
    double hs = -(2.0 / 3 * Math.log(1.0 / 3) + 2.0 / 6 * Math.log(1.0 / 6));
    assertEquals(2 * ht / (hs + ht), r.vInfo(), 1e-12);
  }

  /** Boundary regions that touch no cell become segments of their own, as in Fiji's flood. */
  @Test
  void boundaryNoCellReachesIsASegment() {
    Labelling all = BorderThinning.thin(cells("....", "...."), 4, 2);
    assertEquals(1, all.count());
    assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1, 1}, all.labels());
    Labelling none = BorderThinning.thin(cells("####"), 4, 1);
    assertArrayEquals(new int[] {1, 1, 1, 1}, none.labels());
  }

  /** Fiji steps its thresholds by adding 0.1, so its last one lies just below 1. */
  @Test
  void theThresholdsAreFijis() {
    double th = 0;
    for (int t = 0; t < Evaluation.FIJI_THRESHOLDS.length; t++) {
      assertEquals(th, Evaluation.FIJI_THRESHOLDS[t], 0.0);
      assertEquals(Evaluation.THRESHOLDS[t], Evaluation.FIJI_THRESHOLDS[t], 1e-9);
      th += 0.1;
    }
    assertTrue(Evaluation.FIJI_THRESHOLDS[10] < 1.0);
    float[] certain = {1f, 0.5f, 1f};
    assertEquals(2, BorderThinning.thin(certain, Evaluation.FIJI_THRESHOLDS[10], 3, 1).count());
    assertEquals(1, BorderThinning.thin(certain, 1.0, 3, 1).count());
  }

  /**
   * On random maps: cells keep their connected components (one label per cell, different cells
   * different labels); no two neighbours carry different labels; the labels are 1..count; the
   * same map gives the same result; and a prediction equal to the truth scores 1.
   */
  @Test
  void invariantsOnRandomMaps() {
    Random random = new Random(3);
    for (int trial = 0; trial < 30; trial++) {
      int w = 3 + random.nextInt(60);
      int h = 3 + random.nextInt(60);
      float[] noise = new float[w * h];
      for (int i = 0; i < noise.length; i++) {
        noise[i] = random.nextFloat();
      }
      float[] map = GaussianBlur.blur(noise, w, h, 0.5 + random.nextDouble() * 2);
      double threshold = 0.3 + random.nextDouble() * 0.4;
      boolean[] foreground = new boolean[w * h];
      for (int i = 0; i < foreground.length; i++) {
        foreground[i] = map[i] > threshold;
      }
      Labelling cells = ConnectedComponents.label(foreground, w, h);
      Labelling thin = BorderThinning.thin(map, threshold, w, h);
      Map<Integer, Integer> cellToLabel = new HashMap<>();
      Map<Integer, Integer> labelToCell = new HashMap<>();
      boolean[] used = new boolean[thin.count() + 1];
      for (int p = 0; p < w * h; p++) {
        int l = thin.labels()[p];
        assertTrue(l >= 0 && l <= thin.count());
        used[l] = true;
        if (foreground[p]) {
          assertTrue(l > 0, "cell pixel on the line");
          int cellId = cells.labels()[p];
          assertEquals(l, cellToLabel.computeIfAbsent(cellId, k -> l));
          assertEquals(cellId, labelToCell.computeIfAbsent(l, k -> cellId));
        }
        int x = p % w;
        if (l != 0 && x < w - 1 && thin.labels()[p + 1] != 0) {
          assertEquals(l, thin.labels()[p + 1], "neighbours " + p + " and " + (p + 1));
        }
        if (l != 0 && p + w < w * h && thin.labels()[p + w] != 0) {
          assertEquals(l, thin.labels()[p + w], "neighbours " + p + " and " + (p + w));
        }
      }
      for (int l = 1; l <= thin.count(); l++) {
        assertTrue(used[l], "label " + l + " unused");
      }
      assertArrayEquals(thin.labels(), BorderThinning.thin(map, threshold, w, h).labels());
      RandInfo self = RandInfo.score(cells.labels(), thin.labels(), thin.count());
      assertEquals(1.0, self.vRand(), 1e-12, "the truth itself, thinned");
    }
  }
}
