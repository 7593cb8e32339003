package org.unettf.train;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;
import org.unettf.config.ConfigLoader;
import org.unettf.config.DataConfig;
import org.unettf.config.OutputConfig;
import org.unettf.config.RunConfig;
import org.unettf.data.TrainingSet;
import org.unettf.error.UserError;
import org.unettf.io.AtomicFiles;
import org.unettf.metrics.Evaluation;

/**
 * {@code train --folds K}: K runs of one config, each validating on another contiguous block of
 * the slices and training on the rest, and the mean and spread of their final validations, the
 * estimate nnU-Net reports. On a stack as small as ISBI's 30 slices it says more than any three
 * held-out slices can.
 */
public final class CrossValidation {
  private CrossValidation() {}

  /** The folds' validation slices: {@code k} contiguous blocks of {@code slices}, as equal as they come. */
  public static List<List<Integer>> folds(int slices, int k) {
    if (k < 2 || k > slices) {
      throw UserError.config("--folds: expected 2 to " + slices + " folds for " + slices + " slices, found " + k);
    }
    List<List<Integer>> folds = new ArrayList<>();
    for (int f = 0; f < k; f++) {
      int from = f * slices / k;
      int to = (f + 1) * slices / k;
      folds.add(IntStream.range(from, to).boxed().toList());
    }
    return folds;
  }

  /**
   * The config of fold {@code f}: its validation slices, and a run folder named for it without the
   * start time, so that running the cross-validation again resumes the folds it finds.
   */
  static RunConfig fold(RunConfig cfg, int f, List<Integer> validation) {
    DataConfig d = cfg.data();
    String name = stem(cfg) + "-fold" + f;
    return new RunConfig(cfg.model(), new DataConfig(d.images(), d.labels(), d.pairs(), d.classes(), validation),
        cfg.tile(), cfg.weights(), cfg.augment(), cfg.train(), new OutputConfig(cfg.output().dir(), name), cfg.runtime());
  }

  /** One fold's final validation. */
  public record Fold(int fold, List<Integer> validation, Path run, Evaluation.Report report) {}

  /** The folds, and the summary written beside their runs. */
  public record Result(List<Fold> folds, Path summary, Map<String, Object> scores) {}

  /**
   * Trains every fold of {@code config} to its end; folds whose runs exist are resumed, so an
   * interrupted cross-validation goes on where it stopped.
   */
  public static Result run(Path config, int k, TrainingRun training, PrintStream out) {
    RunConfig cfg = ConfigLoader.load(config);
    int slices = TrainingSet.load(cfg, s -> { }).all().size();
    List<List<Integer>> validation = folds(slices, k);
    List<Fold> done = new ArrayList<>();
    for (int f = 0; f < k; f++) {
      RunConfig fold = fold(cfg, f, validation.get(f));
      Path root = fold.output().dir().resolve(fold.output().name());
      out.printf("fold %d of %d: validating on slices %s%n", f + 1, k, validation.get(f));
      TrainingRun.Result r = root.toFile().exists()
          ? training.run(new TrainingRun.Request(null, root, false))
          : training.run(fold, false);
      if (r.outcome().status() == Trainer.Status.INTERRUPTED) {
        return new Result(done, null, Map.of());
      }
      done.add(new Fold(f, validation.get(f), r.run().root(), r.outcome().lastReport()));
    }
    Map<String, Object> scores = new LinkedHashMap<>();
    scores.put("folds", k);
    scores.put("pixel_error", spread(done, Evaluation.Report::pixelError));
    scores.put("v_rand_thinned", spread(done, Evaluation.Report::vRandThinned));
    scores.put("v_info_thinned", spread(done, Evaluation.Report::vInfoThinned));
    scores.put("pixel_accuracy", spread(done, Evaluation.Report::accuracy));
    List<Map<String, Object>> perFold = new ArrayList<>();
    for (Fold f : done) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("fold", f.fold());
      row.put("validation_slices", f.validation());
      row.put("run", f.run().toString());
      row.put("pixel_error", f.report().pixelError());
      row.put("v_rand_thinned", f.report().vRandThinned());
      row.put("v_info_thinned", f.report().vInfoThinned());
      row.put("pixel_accuracy", f.report().accuracy());
      perFold.add(row);
    }
    scores.put("per_fold", perFold);
    scores.put("environment", Provenance.current().environment());
    Path summary = cfg.output().dir().resolve(stem(cfg) + "-folds.json");
    AtomicFiles.writeString(summary, RunInfo.gson().toJson(scores) + "\n");
    return new Result(done, summary, scores);
  }

  /** The folds' scores and their mean ± sd, to print. */
  @SuppressWarnings("unchecked")
  public static String table(Result result) {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-6s %-12s %9s %12s %12s%n", "fold", "slices",
        "pix.err", "V_rand thin", "V_info thin"));
    for (Fold f : result.folds()) {
      List<Integer> v = f.validation();
      out.append(String.format(Locale.ROOT, "%-6d %-12s %9.4f %12.4f %12.4f%n", f.fold(),
          v.get(0) + "-" + v.get(v.size() - 1), f.report().pixelError(), f.report().vRandThinned(),
          f.report().vInfoThinned()));
    }
    Map<String, Double> pe = (Map<String, Double>) result.scores().get("pixel_error");
    Map<String, Double> vr = (Map<String, Double>) result.scores().get("v_rand_thinned");
    Map<String, Double> vi = (Map<String, Double>) result.scores().get("v_info_thinned");
    out.append(String.format(Locale.ROOT, "%-19s %.4f ± %.4f  %.4f ± %.4f  %.4f ± %.4f", "mean ± sd", pe.get("mean"),
        pe.get("sd"), vr.get("mean"), vr.get("sd"), vi.get("mean"), vi.get("sd")));
    return out.toString();
  }

  private static String stem(RunConfig cfg) {
    return cfg.output().name().replace("-{time}", "").replace("{time}", "");
  }

  /** Mean and sample standard deviation over the folds. */
  private static Map<String, Double> spread(List<Fold> folds, ToDoubleFunction<Evaluation.Report> score) {
    double[] v = folds.stream().mapToDouble(f -> score.applyAsDouble(f.report())).toArray();
    double mean = Arrays.stream(v).average().orElse(Double.NaN);
    double ss = 0;
    for (double x : v) {
      ss += (x - mean) * (x - mean);
    }
    return Map.of("mean", mean, "sd", v.length > 1 ? Math.sqrt(ss / (v.length - 1)) : 0);
  }
}
