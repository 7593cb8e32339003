package org.unettf.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Evaluation reports as JSON-ready maps, CSV and a table to print. */
public final class Reports {
  private Reports() {}

  public static Map<String, Object> metrics(Evaluation.Report r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pixel_accuracy", r.accuracy());
    m.put("pixel_error", r.pixelError());
    // The leaderboard's scores since 2016, after border thinning, then the thresholded map's as is.
    m.put("v_rand_thinned", r.vRandThinned());
    m.put("v_info_thinned", r.vInfoThinned());
    m.put("v_rand", r.vRand());
    m.put("v_info", r.vInfo());
    if (Double.isFinite(r.loss())) {
      m.put("loss", r.loss()); // only where labels came with weights: NaN is not JSON
    }
    m.put("iou", r.iou());
    m.put("dice", r.dice());
    Map<String, Object> thresholds = new LinkedHashMap<>();
    thresholds.put("pixel_error", r.pixelThreshold());
    thresholds.put("v_rand_thinned", r.randThinnedThreshold());
    thresholds.put("v_info_thinned", r.infoThinnedThreshold());
    thresholds.put("v_rand", r.randThreshold());
    thresholds.put("v_info", r.infoThreshold());
    m.put("thresholds", thresholds);
    return m;
  }

  public static String csv(Evaluation.Report r) {
    int classes = r.iou().length;
    StringBuilder out = new StringBuilder("slice,pixel_accuracy,pixel_error,v_rand_thinned,v_info_thinned,v_rand,v_info,loss");
    for (int c = 0; c < classes; c++) {
      out.append(",iou_").append(c).append(",dice_").append(c);
    }
    out.append('\n');
    for (Evaluation.SliceScores s : r.slices()) {
      row(out, String.valueOf(s.slice()), new double[] {s.accuracy(), s.pixelError(), s.vRandThinned(), s.vInfoThinned(),
          s.vRand(), s.vInfo(), s.loss()}, s.iou(), s.dice());
    }
    row(out, "mean", new double[] {r.accuracy(), r.pixelError(), r.vRandThinned(), r.vInfoThinned(), r.vRand(), r.vInfo(),
        r.loss()}, r.iou(), r.dice());
    return out.toString();
  }

  private static void row(StringBuilder out, String name, double[] scores, double[] iou, double[] dice) {
    out.append(name);
    for (double v : scores) {
      out.append(',').append(format(v));
    }
    for (int c = 0; c < iou.length; c++) {
      out.append(',').append(format(iou[c])).append(',').append(format(dice[c]));
    }
    out.append('\n');
  }

  public static String table(Evaluation.Report r) {
    StringBuilder out = new StringBuilder();
    String header = "%-6s %9s %9s %11s %11s %9s %9s %9s%n";
    String line = "%-6s %9.4f %9.4f %11.4f %11.4f %9.4f %9.4f %9.4f%n";
    out.append(String.format(Locale.ROOT, header, "slice", "accuracy", "pix.err", "V_rand thin", "V_info thin",
        "V_rand", "V_info", "mean IoU"));
    for (Evaluation.SliceScores s : r.slices()) {
      out.append(String.format(Locale.ROOT, line, s.slice(), s.accuracy(), s.pixelError(), s.vRandThinned(),
          s.vInfoThinned(), s.vRand(), s.vInfo(), mean(s.iou())));
    }
    out.append(String.format(Locale.ROOT, line, "all", r.accuracy(), r.pixelError(), r.vRandThinned(), r.vInfoThinned(),
        r.vRand(), r.vInfo(), mean(r.iou())));
    out.append(String.format(Locale.ROOT,
        "(pixel error over summed counts at threshold %.1f; V_rand and V_info are slice means at their best thresholds: "
            + "after the leaderboard's border thinning %.1f and %.1f, of the thresholded map as is %.1f and %.1f)",
        r.pixelThreshold(), r.randThinnedThreshold(), r.infoThinnedThreshold(), r.randThreshold(), r.infoThreshold()));
    return out.toString();
  }

  private static double mean(double[] values) {
    return Arrays.stream(values).average().orElse(Double.NaN);
  }

  private static String format(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6f", v) : "";
  }

  /** Scores of cells as objects (a label stack as it is: no threshold, no thinning), JSON-ready. */
  public static Map<String, Object> segments(Evaluation.SegmentScores scores, List<Integer> slices) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("v_rand", scores.vRand());
    m.put("v_info", scores.vInfo());
    List<Map<String, Object>> perSlice = new ArrayList<>();
    for (int i = 0; i < slices.size(); i++) {
      perSlice.add(Map.of("slice", slices.get(i), "v_rand", scores.sliceRand()[i], "v_info", scores.sliceInfo()[i]));
    }
    m.put("slices", perSlice);
    return m;
  }

  /** The segments' scores as lines to print under {@link #table}. */
  public static String segmentsTable(String what, Evaluation.SegmentScores scores, List<Integer> slices) {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%s, scored as they are (no threshold, no "
        + "thinning):%n", what));
    for (int i = 0; i < slices.size(); i++) {
      out.append(String.format(Locale.ROOT, "  slice %-4d V_rand %.4f  V_info %.4f%n", slices.get(i),
          scores.sliceRand()[i], scores.sliceInfo()[i]));
    }
    out.append(String.format(Locale.ROOT, "  all        V_rand %.4f  V_info %.4f", scores.vRand(), scores.vInfo()));
    return out.toString();
  }

  /** An instance sweep, JSON-ready: how many settings, the best and the one asked for, with their ranks. */
  public static Map<String, Object> sweep(InstanceSweep.Result sweep) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("settings", sweep.ranked().size());
    m.put("ranked_by", "mean of v_rand and v_info");
    m.put("best", sweepRow(sweep, sweep.best()));
    m.put("given", sweepRow(sweep, sweep.given()));
    m.put("all", "instances-tuning.csv");
    return m;
  }

  private static Map<String, Object> sweepRow(InstanceSweep.Result sweep, InstanceSweep.Row row) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rank", sweep.rank(row));
    m.put("smooth", row.parameters().sigma());
    m.put("seed_threshold", row.parameters().seedThreshold());
    m.put("merge_below", row.parameters().mergeBelow());
    m.put("merge_within", row.parameters().mergeWithin());
    m.put("min_segment", row.parameters().minSegmentSize());
    m.put("v_rand", row.vRand());
    m.put("v_info", row.vInfo());
    m.put("options", row.options());
    return m;
  }

  /** The sweep's best {@code top} settings and the one asked for, as lines to print. */
  public static String sweepTable(InstanceSweep.Result sweep, int top) {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "instance settings tried on these slices: %d, "
        + "best first by the mean of V_rand and V_info:%n", sweep.ranked().size()));
    int shown = Math.min(top, sweep.ranked().size());
    for (int i = 0; i < shown; i++) {
      out.append(sweepLine(i + 1, sweep.ranked().get(i), sweep.ranked().get(i) == sweep.given()));
    }
    int given = sweep.rank(sweep.given());
    if (given > shown) {
      out.append(sweepLine(given, sweep.given(), true));
    }
    out.append("  to use the best: ").append(sweep.best().options());
    return out.toString();
  }

  private static String sweepLine(int rank, InstanceSweep.Row row, boolean given) {
    return String.format(Locale.ROOT, "  %3d  V_rand %.4f  V_info %.4f  %s%s%n", rank, row.vRand(), row.vInfo(),
        row.options(), given ? "  (the setting used above)" : "");
  }
}
