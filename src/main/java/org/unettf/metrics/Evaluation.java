package org.unettf.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Scores predicted slices against their labels the way the ISBI 2012 challenge did, plus the
 * usual per-class scores.
 *
 * <ul>
 *   <li>Pixel error: 1 − the best F-score of the cell class over thresholds 0.0, 0.1 … 1.0, with
 *       counts summed over slices.
 *   <li>{@code V_rand} and {@code V_info} ({@link RandInfo}): the mean over slices at each
 *       threshold, the best threshold's value reported.
 *   <li>Accuracy, IoU and Dice of each class, from the most probable class per pixel.
 *   <li>Loss: the weighted cross-entropy, where weight maps are given.
 * </ul>
 *
 * The challenge's scores need two classes (membrane 0, cell 1); for more they are NaN.
 */
public final class Evaluation {
  public static final double[] THRESHOLDS = IntStream.rangeClosed(0, 10).mapToDouble(i -> i / 10.0).toArray();

  private Evaluation() {}

  /** A predicted slice: probabilities {@code height×width×classes}, labels and, optionally, weights. */
  public record Prediction(int slice, int width, int height, int classes, float[] probabilities, byte[] truth, float[] weights) {}

  public record SliceScores(
      int slice, double loss, double accuracy, double pixelError, double vRand, double vInfo, double[] iou, double[] dice) {}

  public record Report(
      double loss, double accuracy, double pixelError, double vRand, double vInfo, double[] iou, double[] dice,
      double pixelThreshold, double randThreshold, double infoThreshold, List<SliceScores> slices) {}

  public static Report evaluate(List<Prediction> predictions) {
    int classes = predictions.get(0).classes();
    boolean binary = classes == 2;
    int thresholds = THRESHOLDS.length;
    long[][] counts = new long[thresholds][3];
    double[][] rand = new double[predictions.size()][thresholds];
    double[][] info = new double[predictions.size()][thresholds];
    double[][] sliceF = new double[predictions.size()][thresholds];
    Confusion total = new Confusion(classes);
    List<Confusion> perSlice = new ArrayList<>();
    double lossSum = 0;
    double weightSum = 0;
    double[] sliceLoss = new double[predictions.size()];
    for (int s = 0; s < predictions.size(); s++) {
      Prediction p = predictions.get(s);
      Confusion confusion = new Confusion(classes);
      confusion.add(p.truth(), argmax(p));
      total.add(confusion);
      perSlice.add(confusion);
      double[] loss = loss(p);
      lossSum += loss[0];
      weightSum += loss[1];
      sliceLoss[s] = loss[1] > 0 ? loss[0] / loss[1] : Double.NaN;
      if (!binary) {
        continue;
      }
      float[] cell = channel(p, 1);
      boolean[] truthCells = new boolean[p.truth().length];
      for (int i = 0; i < truthCells.length; i++) {
        truthCells[i] = p.truth()[i] == 1;
      }
      final int slice = s;
      IntStream.range(0, thresholds).parallel().forEach(t -> {
        boolean[] foreground = new boolean[cell.length];
        long tp = 0;
        long fp = 0;
        long fn = 0;
        for (int i = 0; i < cell.length; i++) {
          foreground[i] = cell[i] > THRESHOLDS[t];
          if (foreground[i] && truthCells[i]) {
            tp++;
          } else if (foreground[i]) {
            fp++;
          } else if (truthCells[i]) {
            fn++;
          }
        }
        synchronized (counts) {
          counts[t][0] += tp;
          counts[t][1] += fp;
          counts[t][2] += fn;
        }
        sliceF[slice][t] = fScore(tp, fp, fn);
        RandInfo scores = RandInfo.score(truthCells, foreground, p.width(), p.height());
        rand[slice][t] = scores.vRand();
        info[slice][t] = scores.vInfo();
      });
    }
    int bestPixel = 0;
    int bestRand = 0;
    int bestInfo = 0;
    for (int t = 0; t < thresholds; t++) {
      if (fScore(counts[t][0], counts[t][1], counts[t][2]) > fScore(counts[bestPixel][0], counts[bestPixel][1], counts[bestPixel][2])) {
        bestPixel = t;
      }
      if (mean(rand, t) > mean(rand, bestRand)) {
        bestRand = t;
      }
      if (mean(info, t) > mean(info, bestInfo)) {
        bestInfo = t;
      }
    }
    List<SliceScores> slices = new ArrayList<>();
    for (int s = 0; s < predictions.size(); s++) {
      Confusion c = perSlice.get(s);
      slices.add(new SliceScores(predictions.get(s).slice(), sliceLoss[s], c.accuracy(),
          binary ? 1 - sliceF[s][bestPixel] : Double.NaN,
          binary ? rand[s][bestRand] : Double.NaN,
          binary ? info[s][bestInfo] : Double.NaN,
          iou(c), dice(c)));
    }
    double nan = Double.NaN;
    return new Report(
        weightSum > 0 ? lossSum / weightSum : nan,
        total.accuracy(),
        binary ? 1 - fScore(counts[bestPixel][0], counts[bestPixel][1], counts[bestPixel][2]) : nan,
        binary ? mean(rand, bestRand) : nan,
        binary ? mean(info, bestInfo) : nan,
        iou(total),
        dice(total),
        binary ? THRESHOLDS[bestPixel] : nan,
        binary ? THRESHOLDS[bestRand] : nan,
        binary ? THRESHOLDS[bestInfo] : nan,
        slices);
  }

  /** The most probable class of every pixel. */
  public static byte[] argmax(Prediction p) {
    return argmax(p.probabilities(), p.classes());
  }

  public static byte[] argmax(float[] probabilities, int classes) {
    byte[] out = new byte[probabilities.length / classes];
    for (int i = 0; i < out.length; i++) {
      int best = 0;
      for (int c = 1; c < classes; c++) {
        if (probabilities[i * classes + c] > probabilities[i * classes + best]) {
          best = c;
        }
      }
      out[i] = (byte) best;
    }
    return out;
  }

  /** One class's probability plane. */
  public static float[] channel(Prediction p, int c) {
    return channel(p.probabilities(), p.classes(), c);
  }

  public static float[] channel(float[] probabilities, int classes, int c) {
    float[] out = new float[probabilities.length / classes];
    for (int i = 0; i < out.length; i++) {
      out[i] = probabilities[i * classes + c];
    }
    return out;
  }

  /** {Σ w·(−log p_true), Σ w}, or zeros without weights. */
  private static double[] loss(Prediction p) {
    if (p.weights() == null) {
      return new double[] {0, 0};
    }
    double sum = 0;
    double weights = 0;
    for (int i = 0; i < p.truth().length; i++) {
      double prob = Math.max(p.probabilities()[i * p.classes() + p.truth()[i]], 1e-12);
      sum += p.weights()[i] * -Math.log(prob);
      weights += p.weights()[i];
    }
    return new double[] {sum, weights};
  }

  private static double fScore(long tp, long fp, long fn) {
    return tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
  }

  private static double mean(double[][] values, int t) {
    double sum = 0;
    for (double[] row : values) {
      sum += row[t];
    }
    return sum / values.length;
  }

  private static double[] iou(Confusion c) {
    return IntStream.range(0, c.classes()).mapToDouble(c::iou).toArray();
  }

  private static double[] dice(Confusion c) {
    return IntStream.range(0, c.classes()).mapToDouble(c::dice).toArray();
  }
}
