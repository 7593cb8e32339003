package org.unettf.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.unettf.numerics.Instances;
import org.unettf.numerics.Instances.Parameters;

/**
 * The instance parameters tried on labelled slices: a small grid around the given parameters,
 * each setting's cells scored as {@link Evaluation#segments} scores them, best first. What a
 * user runs on their own labelled slices before segmenting a volume, since the defaults were
 * tuned on ISBI 2012 and another stain or a weaker model may want others.
 */
public final class InstanceSweep {
  /** The values tried for each swept parameter; the rest are the given parameters'. */
  static final double[] SIGMAS = {0, 1};
  static final double[] SEED_THRESHOLDS = {0.95, 0.98, 0.99};
  static final double[] MERGE_BELOW = {0.5, 0.6, 0.7};
  static final double[] MERGE_WITHIN = {0.7, 0.8, 0.9};

  private InstanceSweep() {}

  /** Told after each setting is scored. */
  @FunctionalInterface
  public interface Progress {
    void scored(int done, int total);
  }

  /** One setting and the mean scores of its cells over the slices. */
  public record Row(Parameters parameters, double vRand, double vInfo) {
    /** What the rows are ranked by, as the defaults were tuned. */
    public double mean() {
      return (vRand + vInfo) / 2;
    }

    /** The options that reproduce this setting in {@code predict} and {@code evaluate}. */
    public String options() {
      return String.format(Locale.ROOT, "--smooth %s --seed-threshold %s --merge-below %s --merge-within %s "
          + "--min-segment %d", plain(parameters.sigma()), plain(parameters.seedThreshold()),
          plain(parameters.mergeBelow()), plain(parameters.mergeWithin()), parameters.minSegmentSize());
    }
  }

  /**
   * Smoothing, seed threshold and both merge thresholds over the values above, crossed; the
   * given parameters' other fields (seeding, smallest segment, overlap) kept. The given setting
   * itself comes first, so that it wins ties and its row is always there to compare with.
   */
  public static List<Parameters> grid(Parameters around) {
    List<Parameters> grid = new ArrayList<>();
    grid.add(around);
    for (double sigma : SIGMAS) {
      for (double seed : SEED_THRESHOLDS) {
        for (double below : MERGE_BELOW) {
          for (double within : MERGE_WITHIN) {
            Parameters p = around.withSigma(sigma)
                .withSeeds(around.seeding(), seed, around.seedDistance(), around.minSeedSize())
                .withMerging(around.minSegmentSize(), below, within);
            if (!grid.contains(p)) {
              grid.add(p);
            }
          }
        }
      }
    }
    return grid;
  }

  /** The rows best first, and the row of the grid's first setting: the one asked for. */
  public record Result(List<Row> ranked, Row given) {
    public Row best() {
      return ranked.get(0);
    }

    /** 1 for the best. */
    public int rank(Row row) {
      return ranked.indexOf(row) + 1;
    }
  }

  /**
   * Every setting's cells of every slice, scored; rows best first by {@link Row#mean}, ties in
   * grid order.
   *
   * @param cell per slice, the cell probability of every pixel
   * @param truth per slice, the class of every pixel (0 membrane, 1 cell)
   */
  public static Result sweep(float[][] cell, byte[][] truth, int width, int height, List<Parameters> grid,
      Progress progress) {
    if (cell.length != truth.length || cell.length == 0) {
      throw new IllegalArgumentException(cell.length + " probability slices and " + truth.length + " label slices");
    }
    List<Row> rows = new ArrayList<>();
    for (Parameters p : grid) {
      int[][] labels = new int[cell.length][];
      IntStream.range(0, cell.length).parallel()
          .forEach(z -> labels[z] = Instances.segment(cell[z], width, height, p).labels());
      Evaluation.SegmentScores s = Evaluation.segments(truth, labels, width, height);
      rows.add(new Row(p, s.vRand(), s.vInfo()));
      progress.scored(rows.size(), grid.size());
    }
    List<Row> ranked = new ArrayList<>(rows);
    ranked.sort(Comparator.comparingDouble(Row::mean).reversed()); // stable: ties stay in grid order
    return new Result(List.copyOf(ranked), rows.get(0));
  }

  /** All rows as CSV, best first. */
  public static String csv(Result result) {
    List<Row> rows = result.ranked();
    StringBuilder out = new StringBuilder("rank,smooth,seed_threshold,merge_below,merge_within,min_segment,v_rand,"
        + "v_info,mean\n");
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      Parameters p = r.parameters();
      out.append(String.format(Locale.ROOT, "%d,%s,%s,%s,%s,%d,%.6f,%.6f,%.6f%n", i + 1, plain(p.sigma()),
          plain(p.seedThreshold()), plain(p.mergeBelow()), plain(p.mergeWithin()), p.minSegmentSize(), r.vRand(),
          r.vInfo(), r.mean()));
    }
    return out.toString();
  }

  private static String plain(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }
}
