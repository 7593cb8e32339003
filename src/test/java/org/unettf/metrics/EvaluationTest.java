package org.unettf.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationTest {
  /** Probabilities for two classes from a cell-probability plane. */
  private static float[] twoClass(float[] cell) {
    float[] p = new float[cell.length * 2];
    for (int i = 0; i < cell.length; i++) {
      p[2 * i] = 1 - cell[i];
      p[2 * i + 1] = cell[i];
    }
    return p;
  }

  @Test
  void aPerfectPredictionScoresPerfectly() {
    byte[] truth = {1, 1, 0, 1, 1, 0, 0, 0, 1};
    float[] cell = new float[truth.length];
    for (int i = 0; i < cell.length; i++) {
      cell[i] = truth[i];
    }
    Evaluation.Report r = Evaluation.evaluate(List.of(new Evaluation.Prediction(0, 3, 3, 2, twoClass(cell), truth, null)));
    assertEquals(1.0, r.accuracy(), 1e-12);
    assertEquals(0.0, r.pixelError(), 1e-12);
    assertEquals(1.0, r.vRand(), 1e-12);
    assertEquals(1.0, r.vInfo(), 1e-12);
    assertEquals(1.0, r.iou()[0], 1e-12);
    assertEquals(1.0, r.dice()[1], 1e-12);
  }

  /**
   * Truth: 4 cell pixels then 4 membrane pixels. The prediction is right but for one membrane
   * pixel called cell (probability 0.8) and one cell pixel called membrane (0.3).
   * At 0.5: accuracy 6/8; cell IoU = 3/5, Dice = 6/8. The best pixel F over thresholds: at 0.2
   * or lower every cell pixel is found (tp 4, fp 1): F = 8/9; at 0.5 (tp 3, fp 1, fn 1) F = 6/8.
   */
  @Test
  void pixelScoresOfAKnownCase() {
    byte[] truth = {1, 1, 1, 1, 0, 0, 0, 0};
    float[] cell = {0.9f, 0.9f, 0.9f, 0.3f, 0.1f, 0.1f, 0.8f, 0.1f};
    Evaluation.Report r = Evaluation.evaluate(List.of(new Evaluation.Prediction(0, 8, 1, 2, twoClass(cell), truth, null)));
    assertEquals(6.0 / 8, r.accuracy(), 1e-12);
    assertEquals(3.0 / 5, r.iou()[1], 1e-12);
    assertEquals(6.0 / 8, r.dice()[1], 1e-12);
    assertEquals(1 - 8.0 / 9, r.pixelError(), 1e-12);
  }

  @Test
  void theWeightedLossIsTheWeightedMeanOfMinusLogTrueProbability() {
    byte[] truth = {1, 0};
    float[] cell = {0.8f, 0.4f};
    float[] weights = {1f, 3f};
    Evaluation.Report r = Evaluation.evaluate(List.of(new Evaluation.Prediction(0, 2, 1, 2, twoClass(cell), truth, weights)));
    double expected = (1 * -Math.log(0.8) + 3 * -Math.log(0.6)) / 4;
    assertEquals(expected, r.loss(), 1e-6);
  }

  /**
   * Truth: cells at x 0–3 and 5–8, membrane at 4; the prediction's boundary (probability 0.05)
   * is three wide, x 3–5. At thresholds 0.1 … 0.8 the un-thinned V_rand is 10/13 (two
   * singletons, worked out in BorderThinningTest), the best there is (at 0.0 all is one cell:
   * 2/3; above 0.8 all is boundary); thinned it is 1, first reached at 0.1.
   */
  @Test
  void thinningForgivesAThickBoundary() {
    byte[] truth = {1, 1, 1, 1, 0, 1, 1, 1, 1};
    float[] cell = {0.9f, 0.9f, 0.9f, 0.05f, 0.05f, 0.05f, 0.9f, 0.9f, 0.9f};
    Evaluation.Report r = Evaluation.evaluate(List.of(new Evaluation.Prediction(0, 9, 1, 2, twoClass(cell), truth, null)));
    assertEquals(10.0 / 13, r.vRand(), 1e-12);
    assertEquals(0.1, r.randThreshold(), 1e-12);
    assertEquals(1.0, r.vRandThinned(), 1e-12);
    assertEquals(1.0, r.vInfoThinned(), 1e-12);
    assertEquals(0.1, r.randThinnedThreshold(), 1e-12);
    assertEquals(0.1, r.infoThinnedThreshold(), 1e-12);
    assertEquals(1.0, r.slices().get(0).vRandThinned(), 1e-12);
    assertEquals(10.0 / 13, r.slices().get(0).vRand(), 1e-12);
  }

  /**
   * Label images as they are, ids neither consecutive nor per slice: slice 0 is the truth's
   * own partition (1, 1); slice 1 one segment over both cells, a merge (V_rand 2/3, V_info 0).
   */
  @Test
  void segmentsAreScoredAsTheyAre() {
    byte[] truth = {1, 1, 1, 1, 0, 1, 1, 1, 1};
    int[][] labels = {{7, 7, 7, 7, 0, 900, 900, 900, 900}, {5, 5, 5, 5, 5, 5, 5, 5, 5}};
    Evaluation.SegmentScores s = Evaluation.segments(new byte[][] {truth, truth}, labels, 9, 1);
    assertEquals(1.0, s.sliceRand()[0], 1e-12);
    assertEquals(2.0 / 3, s.sliceRand()[1], 1e-12);
    assertEquals(5.0 / 6, s.vRand(), 1e-12);
    assertEquals(0.5, s.vInfo(), 1e-12);
  }
}
