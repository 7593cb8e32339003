package org.unettf.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.unettf.numerics.ConnectedComponents;
import org.unettf.numerics.ConnectedComponents.Labelling;

/**
 * Scores predicted slices against their labels the way the ISBI 2012 challenge did, plus the
 * usual per-class scores.
 *
 * <ul>
 *   <li>Pixel error: 1 − the best F-score of the cell class over thresholds 0.0, 0.1 … 1.0, with
 *       counts summed over slices.
 *   <li>{@code V_rand} and {@code V_info} ({@link RandInfo}): the mean over slices at each
 *       threshold, the best threshold's value reported.
 *   <li>{@code V_rand} and {@code V_info} after border thinning, by which the leaderboard has
 *       ranked since 2016 (Arganda-Carreras et al. 2015, Frontiers in Neuroanatomy 9:142; Fiji's
 *       {@code RandError.getMaximalVRandAfterThinning(0, 1, 0.1, true)} and {@code
 *       VariationOfInformation.getMaximalVInfoAfterThinning(0, 1, 0.1)}, as its script
 *       "Segmentation evaluation after border thinning" calls them). The challenge found the
 *       un-thinned scores too sensitive to the width of the predicted borders, so:
 *       <pre>
 *   V_rand^thinned = max over th of mean over slices of V_rand(T, S_th)
 *   V_info^thinned = max over th of mean over slices of V_info(T, S_th)
 *       </pre>
 *       with th = 0.0, 0.1 … 1.0, T the 4-connected cells of the truth and S_th the thinned
 *       segmentation ({@link BorderThinning}): the 4-connected cells of {@code p > th} grown
 *       over the rest by a watershed flood until lines of watershed pixels separate them;
 *       those lines are the boundary that the same foreground-restricted scores see. So a
 *       border that is merely thick costs nothing, while one with a gap still merges two cells.
 *       The per-slice means are the script's macro average.
 *       <p>Departures from Fiji, none of which changes a score of real data: in the degenerate
 *       slice where truth and prediction are each one segment, {@link RandInfo} gives V_info 1
 *       where Fiji gives 0; a slice without truth cells scores 1 rather than NaN; segment ids
 *       are not limited to 16 bits.
 *   <li>Accuracy, IoU and Dice of each class, from the most probable class per pixel.
 *   <li>Loss: the weighted cross-entropy, where weight maps are given.
 * </ul>
 *
 * The challenge's scores need two classes (membrane 0, cell 1); for more they are NaN.
 */
public final class Evaluation {
  public static final double[] THRESHOLDS = IntStream.rangeClosed(0, 10).mapToDouble(i -> i / 10.0).toArray();

  /**
   * The thresholds of the scores after thinning, made as Fiji makes them: 0.0 plus 0.1 again and
   * again, so the last is 0.9999999999999999 and a probability of exactly 1 counts as cell there.
   * For float probabilities that is the only place where they differ from {@link #THRESHOLDS},
   * whose rounded values the report shows.
   */
  static final double[] FIJI_THRESHOLDS = fijiThresholds();

  private Evaluation() {}

  /** A predicted slice: probabilities {@code height×width×classes}, labels and, optionally, weights. */
  public record Prediction(int slice, int width, int height, int classes, float[] probabilities, byte[] truth, float[] weights) {}

  /** One slice's scores, each at the threshold that is best for the whole set. */
  public record SliceScores(
      int slice, double loss, double accuracy, double pixelError, double vRand, double vInfo, double vRandThinned,
      double vInfoThinned, double[] iou, double[] dice) {}

  public record Report(
      double loss, double accuracy, double pixelError, double vRand, double vInfo, double vRandThinned,
      double vInfoThinned, double[] iou, double[] dice, double pixelThreshold, double randThreshold,
      double infoThreshold, double randThinnedThreshold, double infoThinnedThreshold, List<SliceScores> slices) {}

  public static Report evaluate(List<Prediction> predictions) {
    int classes = predictions.get(0).classes();
    boolean binary = classes == 2;
    int thresholds = THRESHOLDS.length;
    long[][] counts = new long[thresholds][3];
    double[][] rand = new double[predictions.size()][thresholds];
    double[][] info = new double[predictions.size()][thresholds];
    double[][] randThinned = new double[predictions.size()][thresholds];
    double[][] infoThinned = new double[predictions.size()][thresholds];
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
      int[] truthLabels = ConnectedComponents.label(truthCells, p.width(), p.height()).labels();
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
        Labelling cells = ConnectedComponents.label(foreground, p.width(), p.height());
        RandInfo scores = RandInfo.score(truthLabels, cells.labels(), cells.count());
        rand[slice][t] = scores.vRand();
        info[slice][t] = scores.vInfo();
        Labelling thinned = BorderThinning.thin(cell, FIJI_THRESHOLDS[t], p.width(), p.height());
        RandInfo thinnedScores = RandInfo.score(truthLabels, thinned.labels(), thinned.count());
        randThinned[slice][t] = thinnedScores.vRand();
        infoThinned[slice][t] = thinnedScores.vInfo();
      });
    }
    int bestPixel = 0;
    int bestRand = 0;
    int bestInfo = 0;
    int bestRandThinned = 0;
    int bestInfoThinned = 0;
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
      if (mean(randThinned, t) > mean(randThinned, bestRandThinned)) {
        bestRandThinned = t;
      }
      if (mean(infoThinned, t) > mean(infoThinned, bestInfoThinned)) {
        bestInfoThinned = t;
      }
    }
    List<SliceScores> slices = new ArrayList<>();
    for (int s = 0; s < predictions.size(); s++) {
      Confusion c = perSlice.get(s);
      slices.add(new SliceScores(predictions.get(s).slice(), sliceLoss[s], c.accuracy(),
          binary ? 1 - sliceF[s][bestPixel] : Double.NaN,
          binary ? rand[s][bestRand] : Double.NaN,
          binary ? info[s][bestInfo] : Double.NaN,
          binary ? randThinned[s][bestRandThinned] : Double.NaN,
          binary ? infoThinned[s][bestInfoThinned] : Double.NaN,
          iou(c), dice(c)));
    }
    double nan = Double.NaN;
    return new Report(
        weightSum > 0 ? lossSum / weightSum : nan,
        total.accuracy(),
        binary ? 1 - fScore(counts[bestPixel][0], counts[bestPixel][1], counts[bestPixel][2]) : nan,
        binary ? mean(rand, bestRand) : nan,
        binary ? mean(info, bestInfo) : nan,
        binary ? mean(randThinned, bestRandThinned) : nan,
        binary ? mean(infoThinned, bestInfoThinned) : nan,
        iou(total),
        dice(total),
        binary ? THRESHOLDS[bestPixel] : nan,
        binary ? THRESHOLDS[bestRand] : nan,
        binary ? THRESHOLDS[bestInfo] : nan,
        binary ? THRESHOLDS[bestRandThinned] : nan,
        binary ? THRESHOLDS[bestInfoThinned] : nan,
        slices);
  }

  /** Scores of a stack of label images: the mean over slices and each slice's. */
  public record SegmentScores(double vRand, double vInfo, double[] sliceRand, double[] sliceInfo) {}

  /**
   * {@code V_rand} and {@code V_info} of label images as they are: no threshold and no thinning,
   * 0 is boundary and every other id one segment (ids need be neither consecutive nor
   * connected, so ids shared across slices or blocks are fine). Ground-truth cells are the
   * 4-connected components of the pixels of class 1, as in {@link #evaluate}.
   *
   * @param truth per slice, the class of every pixel (0 membrane, 1 cell)
   * @param labels per slice, the segment id of every pixel
   */
  public static SegmentScores segments(byte[][] truth, int[][] labels, int width, int height) {
    if (truth.length != labels.length) {
      throw new IllegalArgumentException(truth.length + " ground-truth slices but " + labels.length + " label slices");
    }
    RandInfo[] scores = new RandInfo[truth.length];
    IntStream.range(0, truth.length).parallel().forEach(s -> scores[s] = segments(truth[s], labels[s], width, height));
    double[] rand = new double[scores.length];
    double[] info = new double[scores.length];
    for (int s = 0; s < scores.length; s++) {
      rand[s] = scores[s].vRand();
      info[s] = scores[s].vInfo();
    }
    return new SegmentScores(average(rand), average(info), rand, info);
  }

  /** The scores of one label image. */
  public static RandInfo segments(byte[] truth, int[] labels, int width, int height) {
    boolean[] truthCells = new boolean[truth.length];
    for (int i = 0; i < truth.length; i++) {
      truthCells[i] = truth[i] == 1;
    }
    int[] truthLabels = ConnectedComponents.label(truthCells, width, height).labels();
    Labelling compact = consecutive(labels);
    return RandInfo.score(truthLabels, compact.labels(), compact.count());
  }

  /** The same segments numbered 1..count in order of id, 0 kept. */
  static Labelling consecutive(int[] labels) {
    int[] ids = Arrays.stream(labels).filter(l -> l != 0).sorted().distinct().toArray();
    int[] out = new int[labels.length];
    for (int i = 0; i < labels.length; i++) {
      out[i] = labels[i] == 0 ? 0 : Arrays.binarySearch(ids, labels[i]) + 1;
    }
    return new Labelling(out, ids.length);
  }

  private static double average(double[] values) {
    return Arrays.stream(values).average().orElse(Double.NaN);
  }

  private static double[] fijiThresholds() {
    double[] out = new double[THRESHOLDS.length];
    double th = 0;
    for (int t = 0; t < out.length; t++) {
      out[t] = th;
      th += 0.1;
    }
    return out;
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
