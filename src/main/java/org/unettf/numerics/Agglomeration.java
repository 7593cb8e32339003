package org.unettf.numerics;

import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Merging of watershed segments across weak lines, in 2D with 4-connectivity.
 *
 * <p>The line between two segments is the set of line pixels (0) that touch both; its strength
 * is the mean membrane probability over those pixels. First, average linkage: the weakest line
 * goes first, its two segments merge and their lines to a third segment pool into one (sums
 * and pixel counts added), until the weakest line left is at least {@code below}; segments of
 * different groups never merge here. Then every segment still smaller than {@code minSize}
 * pixels, smallest first, merges into the neighbour across its weakest line, whatever the
 * groups and strengths. Ties go to the smaller ids, so the result is deterministic.
 *
 * <p>Afterwards line pixels whose labelled neighbours all carry one label join it, in raster
 * order; each sees the pixels already joined, so no two neighbouring pixels carry different
 * labels, and every remaining line pixel next to a segment still touches two of them.
 */
public final class Agglomeration {
  private Agglomeration() {}

  /**
   * Merges in place.
   *
   * @param labels segments 1..n and line pixels 0, as {@link Watershed#flood} leaves them
   * @param membrane per pixel, the evidence for a boundary (e.g. 1 − cell probability)
   * @param groups per label 0..n, a group id: only segments of one group merge across weak
   *     lines; {@code null} for no restriction
   * @param below lines whose mean membrane is below this are removed
   * @param minSize segments with fewer pixels join a neighbour
   * @return whether anything merged
   */
  public static boolean merge(int[] labels, float[] membrane, int[] groups, int width, int height, double below,
      int minSize) {
    int max = 0;
    for (int l : labels) {
      max = Math.max(max, l);
    }
    int[] sizes = new int[max + 1];
    for (int l : labels) {
      sizes[l]++;
    }
    Map<Integer, Map<Integer, Line>> graph = new HashMap<>();
    PriorityQueue<Candidate> queue = new PriorityQueue<>();
    for (Map.Entry<Long, Line> e : lines(labels, membrane, width, height).entrySet()) {
      int a = (int) (e.getKey() >> 32);
      int b = (int) (long) e.getKey();
      Line line = e.getValue();
      graph.computeIfAbsent(a, k -> new HashMap<>()).put(b, line);
      graph.computeIfAbsent(b, k -> new HashMap<>()).put(a, line);
      if (groups == null || groups[a] == groups[b]) {
        queue.add(new Candidate(line.mean(), a, b, line.pixels));
      }
    }
    int[] root = new int[max + 1];
    for (int l = 0; l <= max; l++) {
      root[l] = l;
    }
    boolean merged = false;
    while (!queue.isEmpty() && queue.peek().mean() < below) {
      Candidate c = queue.poll();
      Map<Integer, Line> kept = graph.get(c.a());
      Line current = kept == null ? null : kept.get(c.b());
      if (current == null || current.pixels != c.pixels()) {
        continue; // a segment has merged away, or the line has pooled since
      }
      for (Map.Entry<Integer, Line> pooled : join(graph, c.a(), c.b(), root, sizes).entrySet()) {
        int third = pooled.getKey();
        if (groups == null || groups[third] == groups[c.a()]) {
          Line line = pooled.getValue();
          queue.add(new Candidate(line.mean(), Math.min(c.a(), third), Math.max(c.a(), third), line.pixels));
        }
      }
      merged = true;
    }
    PriorityQueue<long[]> small = new PriorityQueue<>((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0])
        : Long.compare(x[1], y[1]));
    for (int l = 1; l <= max; l++) {
      if (root[l] == l && sizes[l] > 0 && sizes[l] < minSize) {
        small.add(new long[] {sizes[l], l});
      }
    }
    while (!small.isEmpty()) {
      long[] next = small.poll();
      int s = (int) next[1];
      Map<Integer, Line> around = graph.get(s);
      if (root[s] != s || sizes[s] != next[0] || around == null || around.isEmpty()) {
        continue; // merged away, grown since, or alone
      }
      int weakest = 0;
      double least = Double.POSITIVE_INFINITY;
      for (Map.Entry<Integer, Line> e : around.entrySet()) {
        double mean = e.getValue().mean();
        if (mean < least || (mean == least && e.getKey() < weakest)) {
          least = mean;
          weakest = e.getKey();
        }
      }
      int a = Math.min(s, weakest);
      join(graph, a, Math.max(s, weakest), root, sizes);
      if (sizes[a] < minSize) {
        small.add(new long[] {sizes[a], a});
      }
      merged = true;
    }
    if (!merged) {
      return false;
    }
    for (int p = 0; p < labels.length; p++) {
      labels[p] = find(root, labels[p]);
    }
    int[] around = new int[4];
    for (int p = 0; p < labels.length; p++) {
      if (labels[p] == 0 && distinctAround(labels, p, width, height, around) == 1) {
        labels[p] = around[0];
      }
    }
    return true;
  }

  /**
   * Merges segment {@code b} into {@code a} ({@code a < b}) in the graph, pooling their lines to
   * third segments; returns {@code a}'s pooled lines to the thirds that {@code b} touched.
   */
  private static Map<Integer, Line> join(Map<Integer, Map<Integer, Line>> graph, int a, int b, int[] root,
      int[] sizes) {
    Map<Integer, Line> kept = graph.get(a);
    Map<Integer, Line> gone = graph.remove(b);
    kept.remove(b);
    gone.remove(a);
    Map<Integer, Line> changed = new HashMap<>();
    for (Map.Entry<Integer, Line> e : gone.entrySet()) {
      int third = e.getKey();
      Map<Integer, Line> around = graph.get(third);
      around.remove(b);
      Line pooled = kept.get(third);
      pooled = pooled == null ? e.getValue() : pooled.plus(e.getValue());
      kept.put(third, pooled);
      around.put(a, pooled);
      changed.put(third, pooled);
    }
    root[b] = a;
    sizes[a] += sizes[b];
    return changed;
  }

  /** Every pair of segments that line pixels separate, with the sum of their membrane values. */
  private static Map<Long, Line> lines(int[] labels, float[] membrane, int width, int height) {
    Map<Long, Line> lines = new HashMap<>();
    int[] around = new int[4];
    for (int p = 0; p < labels.length; p++) {
      if (labels[p] != 0) {
        continue;
      }
      int k = distinctAround(labels, p, width, height, around);
      for (int i = 0; i < k; i++) {
        for (int j = i + 1; j < k; j++) {
          int a = Math.min(around[i], around[j]);
          int b = Math.max(around[i], around[j]);
          Line line = lines.computeIfAbsent(((long) a << 32) | b, key -> new Line());
          line.sum += membrane[p];
          line.pixels++;
        }
      }
    }
    return lines;
  }

  private static int find(int[] root, int l) {
    while (root[l] != l) {
      root[l] = root[root[l]];
      l = root[l];
    }
    return l;
  }

  /** The distinct non-zero labels among the 4-neighbours of {@code p}, into {@code out}. */
  static int distinctAround(int[] labels, int p, int width, int height, int[] out) {
    int x = p % width;
    int y = p / width;
    int k = 0;
    k = addDistinct(out, k, y > 0 ? labels[p - width] : 0);
    k = addDistinct(out, k, x > 0 ? labels[p - 1] : 0);
    k = addDistinct(out, k, x < width - 1 ? labels[p + 1] : 0);
    return addDistinct(out, k, y < height - 1 ? labels[p + width] : 0);
  }

  private static int addDistinct(int[] out, int k, int label) {
    if (label == 0) {
      return k;
    }
    for (int i = 0; i < k; i++) {
      if (out[i] == label) {
        return k;
      }
    }
    out[k] = label;
    return k + 1;
  }

  /** The pixels of one line: how many, and the sum of their membrane values. */
  private static final class Line {
    double sum;
    int pixels;

    double mean() {
      return sum / pixels;
    }

    Line plus(Line other) {
      Line out = new Line();
      out.sum = sum + other.sum;
      out.pixels = pixels + other.pixels;
      return out;
    }
  }

  /** A merge to consider: weakest mean first, then the smaller ids. */
  private record Candidate(double mean, int a, int b, int pixels) implements Comparable<Candidate> {
    @Override
    public int compareTo(Candidate o) {
      int c = Double.compare(mean, o.mean);
      if (c == 0) {
        c = Integer.compare(a, o.a);
      }
      return c != 0 ? c : Integer.compare(b, o.b);
    }
  }
}
