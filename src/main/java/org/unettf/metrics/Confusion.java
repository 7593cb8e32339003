package org.unettf.metrics;

/** Pixel counts of (true class, predicted class): accuracy, per-class IoU and Dice. */
public final class Confusion {
  private final long[][] counts;

  public Confusion(int classes) {
    counts = new long[classes][classes];
  }

  public void add(byte[] truth, byte[] predicted) {
    for (int i = 0; i < truth.length; i++) {
      counts[truth[i]][predicted[i]]++;
    }
  }

  public void add(Confusion other) {
    for (int t = 0; t < counts.length; t++) {
      for (int p = 0; p < counts.length; p++) {
        counts[t][p] += other.counts[t][p];
      }
    }
  }

  public int classes() {
    return counts.length;
  }

  public long total() {
    long n = 0;
    for (long[] row : counts) {
      for (long c : row) {
        n += c;
      }
    }
    return n;
  }

  public double accuracy() {
    long correct = 0;
    for (int c = 0; c < counts.length; c++) {
      correct += counts[c][c];
    }
    return (double) correct / total();
  }

  /** Intersection over union of class {@code c}; 1 where the class is absent from both. */
  public double iou(int c) {
    long tp = counts[c][c];
    long union = rowSum(c) + columnSum(c) - tp;
    return union == 0 ? 1.0 : (double) tp / union;
  }

  /** Dice coefficient of class {@code c}; 1 where the class is absent from both. */
  public double dice(int c) {
    long tp = counts[c][c];
    long sizes = rowSum(c) + columnSum(c);
    return sizes == 0 ? 1.0 : 2.0 * tp / sizes;
  }

  private long rowSum(int c) {
    long s = 0;
    for (long v : counts[c]) {
      s += v;
    }
    return s;
  }

  private long columnSum(int c) {
    long s = 0;
    for (long[] row : counts) {
      s += row[c];
    }
    return s;
  }
}
