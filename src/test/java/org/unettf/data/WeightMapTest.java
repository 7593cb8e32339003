package org.unettf.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.unettf.numerics.ConnectedComponents;
import org.unettf.numerics.Dihedral;

class WeightMapTest {
  private static final double[] WC = {2.0, 0.5};

  /** Draws filled rectangles of class 1 on a membrane (0) background. */
  private static byte[] cells(int w, int h, int[]... boxes) {
    byte[] labels = new byte[w * h];
    for (int[] b : boxes) {
      for (int y = b[1]; y <= b[3]; y++) {
        for (int x = b[0]; x <= b[2]; x++) {
          labels[y * w + x] = 1;
        }
      }
    }
    return labels;
  }

  @Test
  void twoSquaresSixPixelsApartWeighTheGapsMiddleAsThePaperSays() {
    int w = 40;
    int h = 20;
    // Cell pixels end at x = 12 and start again at x = 18: 6 px apart, the middle pixel x = 15.
    byte[] labels = cells(w, h, new int[] {3, 5, 12, 14}, new int[] {18, 5, 27, 14});
    float[] weights = WeightMap.compute(labels, w, h, WC, 10, 5);
    double expected = WC[0] + 10 * Math.exp(-36.0 / 50.0);
    assertEquals(expected, weights[10 * w + 15], 1e-5);
    assertEquals(WC[1], weights[10 * w + 8], 1e-6, "cells keep their class weight");
  }

  @Test
  void aLoneCellHasNoBorderTerm() {
    int w = 30;
    byte[] labels = cells(w, w, new int[] {10, 10, 19, 19});
    float[] weights = WeightMap.compute(labels, w, w, WC, 10, 5);
    for (int i = 0; i < labels.length; i++) {
      assertEquals(WC[labels[i]], weights[i], 1e-6, "pixel " + i);
    }
  }

  @Test
  void matchesBruteForceTwoNearestCellDistances() {
    Random random = new Random(11);
    int w = 48;
    int h = 40;
    byte[] labels = new byte[w * h];
    for (int k = 0; k < 9; k++) {
      int x0 = random.nextInt(w - 8);
      int y0 = random.nextInt(h - 8);
      int x1 = x0 + 1 + random.nextInt(7);
      int y1 = y0 + 1 + random.nextInt(7);
      for (int y = y0; y <= y1; y++) {
        for (int x = x0; x <= x1; x++) {
          labels[y * w + x] = 1;
        }
      }
    }
    boolean[] cell = new boolean[labels.length];
    for (int i = 0; i < cell.length; i++) {
      cell[i] = labels[i] == 1;
    }
    int[] ids = ConnectedComponents.label(cell, w, h).labels();
    float[] weights = WeightMap.compute(labels, w, h, WC, 10, 5);
    for (int p = 0; p < labels.length; p++) {
      if (labels[p] == 1) {
        continue;
      }
      Map<Integer, Double> nearestPerCell = new HashMap<>();
      for (int q = 0; q < labels.length; q++) {
        if (ids[q] > 0) {
          double d = Math.hypot(p % w - q % w, p / w - q / w);
          nearestPerCell.merge(ids[q], d, Math::min);
        }
      }
      double[] d = nearestPerCell.values().stream().mapToDouble(Double::doubleValue).sorted().toArray();
      double border = d.length < 2 ? 0 : 10 * Math.exp(-Math.pow(d[0] + d[1], 2) / 50);
      assertEquals(WC[0] + border, weights[p], 2e-5, "pixel " + p);
    }
  }

  @Test
  void flippingTheLabelsFlipsTheMap() {
    int w = 36;
    int h = 28;
    byte[] labels = cells(w, h, new int[] {2, 3, 10, 12}, new int[] {14, 2, 20, 20}, new int[] {24, 9, 33, 25});
    float[] weights = WeightMap.compute(labels, w, h, WC, 10, 5);
    float[] asFloat = new float[labels.length];
    for (int i = 0; i < labels.length; i++) {
      asFloat[i] = labels[i];
    }
    for (int k : new int[] {4, 6}) {
      float[] flipped = Dihedral.apply(k, asFloat, w, h, 1);
      byte[] flippedLabels = new byte[flipped.length];
      for (int i = 0; i < flipped.length; i++) {
        flippedLabels[i] = (byte) flipped[i];
      }
      float[] mapOfFlipped = WeightMap.compute(flippedLabels, w, h, WC, 10, 5);
      assertArrayEquals(Dihedral.apply(k, weights, w, h, 1), mapOfFlipped, 1e-5f, "element " + k);
    }
  }

  @Test
  void classBalanceWeighsClassesInverselyToTheirFrequency() {
    double[] wc = WeightMap.classBalance(new long[] {25, 75});
    assertEquals(2.0, wc[0], 1e-12);
    assertEquals(2.0 / 3, wc[1], 1e-12);
    assertTrue(wc[0] * 25 - wc[1] * 75 < 1e-9, "each class carries the same total weight");
  }
}
