package org.unettf.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Hand-worked cases of the foreground-restricted scores. Ground truth: membrane 0, cells ≥ 1.
 * Prediction: boundary 0, segments ≥ 1.
 */
class RandInfoTest {
  private static double log(double x) {
    return Math.log(x);
  }

  @Test
  void identicalSegmentationsScoreOne() {
    int[] truth = {1, 1, 0, 2, 2, 2, 0, 3};
    RandInfo r = RandInfo.score(truth, truth, 3);
    assertEquals(1.0, r.vRand(), 1e-12);
    assertEquals(1.0, r.vInfo(), 1e-12);
  }

  /**
   * One cell of 4 pixels predicted as two segments of 2 (a split), n = 4:
   * p = {1/2, 1/2} in one row, so Σt² = 1, Σs² = 1/4 + 1/4 = 1/2, Σp² = 1/2, P0 = 0;
   * V_rand = 2·(1/2) / (1 + 1/2) = 2/3.
   * H(T) = 0, H(S) = log 2, I = 0, so V_info = 0.
   */
  @Test
  void aSplitCell() {
    int[] truth = {1, 1, 1, 1};
    int[] predicted = {1, 1, 2, 2};
    RandInfo r = RandInfo.score(truth, predicted, 2);
    assertEquals(2.0 / 3, r.vRand(), 1e-12);
    assertEquals(0.0, r.vInfo(), 1e-12);
  }

  /**
   * Two cells of 2 pixels predicted as one segment (a merge), n = 4:
   * Σt² = 1/4 + 1/4 = 1/2, Σs² = 1, Σp² = 1/2; V_rand = 2·(1/2) / (3/2) = 2/3.
   * H(T) = log 2, H(S) = 0, I = 0; V_info = 0.
   */
  @Test
  void aMergedPair() {
    int[] truth = {1, 1, 2, 2};
    int[] predicted = {1, 1, 1, 1};
    RandInfo r = RandInfo.score(truth, predicted, 1);
    assertEquals(2.0 / 3, r.vRand(), 1e-12);
    assertEquals(0.0, r.vInfo(), 1e-12);
  }

  /**
   * One split and one merge together, n = 8: truth cells A (4 px) and B, C (2 px each); the
   * prediction splits A unevenly into a1 (3 px) and a2 (1 px) and merges B and C into d.
   * p = {3/8, 1/8, 2/8, 2/8}: Σp² = 18/64; t = {4/8, 2/8, 2/8}: Σt² = 24/64;
   * s = {3/8, 1/8, 4/8}: Σs² = 26/64. V_rand = 2·18 / (24 + 26) = 0.72.
   * H(T) = 1.5 log 2; H(S) = −(3/8 log 3/8 + 1/8 log 1/8 + 1/2 log 1/2);
   * H(S,T) = −(3/8 log 3/8 + 1/8 log 1/8 + 2·1/4 log 1/4); I = H(S) + H(T) − H(S,T).
   */
  @Test
  void oneSplitCellAndOneMergedPair() {
    int[] truth = {1, 1, 1, 1, 2, 2, 3, 3};
    int[] predicted = {1, 1, 1, 2, 3, 3, 3, 3};
    RandInfo r = RandInfo.score(truth, predicted, 3);
    assertEquals(0.72, r.vRand(), 1e-12);
    double ht = 1.5 * log(2);
    double hs = -(3.0 / 8 * log(3.0 / 8) + 1.0 / 8 * log(1.0 / 8) + 0.5 * log(0.5));
    double hst = -(3.0 / 8 * log(3.0 / 8) + 1.0 / 8 * log(1.0 / 8) + 2 * 0.25 * log(0.25));
    assertEquals(2 * (hs + ht - hst) / (hs + ht), r.vInfo(), 1e-12);
  }

  /**
   * A prediction with no boundary at all: one segment over everything. Truth cells of 3 and 1
   * px, n = 4: Σt² = 9/16 + 1/16 = 10/16, Σs² = 1, Σp² = 10/16;
   * V_rand = 2·(10/16) / (26/16) = 10/13. H(S) = 0 and I = 0, so V_info = 0.
   */
  @Test
  void anEmptyPredictionIsOneSegment() {
    int[] truth = {1, 1, 1, 0, 2};
    int[] predicted = {1, 1, 1, 1, 1};
    RandInfo r = RandInfo.score(truth, predicted, 1);
    assertEquals(10.0 / 13, r.vRand(), 1e-12);
    assertEquals(0.0, r.vInfo(), 1e-12);
  }

  /**
   * All boundary: every truth pixel is a singleton, P0 = 1, n = 4 (cells of 3 and 1 px).
   * Σp² + P0/n = 1/4 and Σs² + P0/n = 1/4, Σt² = 10/16: V_rand = 2·(1/4) / (10/16 + 1/4) = 4/7.
   * H(T) = −(3/4 log 3/4 + 1/4 log 1/4); H(S) = log 4 (four singletons); I = H(T) since S refines T;
   * V_info = 2·H(T) / (H(T) + log 4).
   */
  @Test
  void allBoundaryMakesEverythingASingleton() {
    int[] truth = {1, 1, 1, 0, 2};
    int[] predicted = {0, 0, 0, 0, 0};
    RandInfo r = RandInfo.score(truth, predicted, 0);
    assertEquals(4.0 / 7, r.vRand(), 1e-12);
    double ht = -(0.75 * log(0.75) + 0.25 * log(0.25));
    assertEquals(2 * ht / (ht + log(4)), r.vInfo(), 1e-12);
  }

  @Test
  void membranePixelsOfTheTruthDoNotCount() {
    int[] truth = {1, 1, 0, 0};
    RandInfo a = RandInfo.score(truth, new int[] {1, 1, 1, 2}, 2);
    RandInfo b = RandInfo.score(truth, new int[] {1, 1, 0, 0}, 1);
    assertEquals(1.0, a.vRand(), 1e-12);
    assertEquals(a, b);
  }
}
