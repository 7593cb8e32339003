package org.unettf.metrics;

import java.util.Arrays;
import org.unettf.numerics.ConnectedComponents;

/**
 * The ISBI 2012 challenge's foreground-restricted scores of one slice, as Fiji's
 * {@code trainableSegmentation.metrics} computes them (Arganda-Carreras et al. 2015).
 *
 * <p>Cells are the 4-connected components of the ground truth's and the thresholded prediction's
 * foreground. Only ground-truth cell pixels count (n of them); a ground-truth cell pixel that the
 * prediction calls boundary is a segment of its own (a singleton). With {@code p_ij} the fraction
 * of those pixels in ground-truth cell i and predicted cell j (j = 0: boundary), {@code t_i} and
 * {@code s_j} its row and column sums and {@code P0 = Σ_i p_i0}:
 *
 * <pre>
 *   V_rand = 2·(Σ_{j≥1} p_ij² + P0/n) / (Σ t_i² + Σ_{j≥1} s_j² + P0/n)
 *   V_info = 2·I(S;T) / (H(S) + H(T)),  natural logarithms, singletons as segments of mass 1/n
 * </pre>
 */
public record RandInfo(double vRand, double vInfo) {

  /** Scores of the prediction {@code foreground} against the ground truth's cells {@code truthCells}. */
  public static RandInfo score(boolean[] truthCells, boolean[] foreground, int width, int height) {
    int[] truth = ConnectedComponents.label(truthCells, width, height).labels();
    ConnectedComponents.Labelling predicted = ConnectedComponents.label(foreground, width, height);
    return score(truth, predicted.labels(), predicted.count());
  }

  /** Scores of two labellings: 0 is background (membrane) in {@code truth}, boundary in {@code predicted}. */
  public static RandInfo score(int[] truth, int[] predicted, int predictedCount) {
    long stride = predictedCount + 1L;
    long[] keys = new long[truth.length];
    int n = 0;
    for (int p = 0; p < truth.length; p++) {
      if (truth[p] > 0) {
        keys[n++] = truth[p] * stride + predicted[p];
      }
    }
    if (n == 0) {
      return new RandInfo(1.0, 1.0);
    }
    Arrays.sort(keys, 0, n);
    double total = n;
    double[] rows = new double[maxRow(keys, n, stride) + 1];
    double[] columns = new double[(int) stride];
    double boundary = 0;
    double sumP2 = 0;
    double sumPlogP = 0;
    for (int start = 0; start < n; ) {
      int end = start;
      while (end < n && keys[end] == keys[start]) {
        end++;
      }
      double p = (end - start) / total;
      int i = (int) (keys[start] / stride);
      int j = (int) (keys[start] % stride);
      rows[i] += p;
      if (j == 0) {
        boundary += p;
      } else {
        columns[j] += p;
        sumP2 += p * p;
        sumPlogP += p * Math.log(p);
      }
      start = end;
    }
    double sumT2 = sumOfSquares(rows);
    double sumTlogT = sumOfPLogP(rows);
    double sumS2 = sumOfSquares(columns);
    double sumSlogS = sumOfPLogP(columns);
    double logN = Math.log(total);
    double vRand = 2 * (sumP2 + boundary / total) / (sumT2 + sumS2 + boundary / total);
    double entropyT = -sumTlogT;
    double entropyS = -(sumSlogS - boundary * logN);
    double joint = sumPlogP - boundary * logN;
    double mutual = joint - sumTlogT - (sumSlogS - boundary * logN);
    double denominator = entropyS + entropyT;
    double vInfo = denominator <= 1e-12 ? 1.0 : 2 * mutual / denominator;
    return new RandInfo(vRand, vInfo);
  }

  private static double sumOfSquares(double[] masses) {
    double sum = 0;
    for (double m : masses) {
      sum += m * m;
    }
    return sum;
  }

  private static double sumOfPLogP(double[] masses) {
    double sum = 0;
    for (double m : masses) {
      if (m > 0) {
        sum += m * Math.log(m);
      }
    }
    return sum;
  }

  private static int maxRow(long[] keys, int n, long stride) {
    return (int) (keys[n - 1] / stride);
  }
}
