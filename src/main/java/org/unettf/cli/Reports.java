package org.unettf.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.unettf.metrics.Evaluation;

/** Evaluation reports as JSON-ready maps, CSV and a printed table. */
final class Reports {
  private Reports() {}

  static Map<String, Object> metrics(Evaluation.Report r) {
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

  static String csv(Evaluation.Report r) {
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

  static String table(Evaluation.Report r) {
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
    return java.util.Arrays.stream(values).average().orElse(Double.NaN);
  }

  private static String format(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6f", v) : "";
  }
}
