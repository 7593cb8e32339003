package org.unettf.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.unettf.io.AtomicFiles;
import org.unettf.io.Charts;
import org.unettf.metrics.Evaluation;

/** history.csv: one row per validation, the numbers behind curves.png, which a completed run draws. */
public final class History implements TrainingListener {
  static final List<String> COLUMNS = List.of(
      "step", "train_loss", "val_loss", "pixel_accuracy", "pixel_error", "v_rand", "v_info", "mean_iou",
      "v_rand_thinned", "v_info_thinned");
  private final Path file;
  private final Path curves;
  private final List<double[]> rows = new ArrayList<>();
  private double lossSum;
  private int steps;

  /** Reads an existing history, keeping only rows up to {@code upToStep} (a resumed run redoes the rest). */
  public History(Path file, Path curves, long upToStep) {
    this.file = file;
    this.curves = curves;
    if (Files.isRegularFile(file)) {
      try {
        List<String> lines = Files.readAllLines(file);
        for (String line : lines.subList(1, lines.size())) {
          double[] row = Arrays.stream(line.split(",")).mapToDouble(History::parse).toArray();
          if (row.length > 0 && row.length <= COLUMNS.size() && row[0] <= upToStep) {
            // Rows of an earlier version lack the later columns: those read as unknown.
            double[] full = Arrays.copyOf(row, COLUMNS.size());
            Arrays.fill(full, row.length, full.length, Double.NaN);
            rows.add(full);
          }
        }
      } catch (IOException | RuntimeException ignored) {
        // A damaged history only costs the curves of earlier steps.
      }
    }
  }

  public void add(long step, double trainLoss, Evaluation.Report report) {
    double meanIou = Arrays.stream(report.iou()).average().orElse(Double.NaN);
    rows.add(new double[] {step, trainLoss, report.loss(), report.accuracy(), report.pixelError(), report.vRand(),
        report.vInfo(), meanIou, report.vRandThinned(), report.vInfoThinned()});
    StringBuilder csv = new StringBuilder(String.join(",", COLUMNS)).append('\n');
    for (double[] row : rows) {
      List<String> cells = new ArrayList<>();
      cells.add(String.valueOf((long) row[0]));
      for (int i = 1; i < row.length; i++) {
        cells.add(String.format(Locale.ROOT, "%.6f", row[i]));
      }
      csv.append(String.join(",", cells)).append('\n');
    }
    AtomicFiles.writeString(file, csv.toString());
  }

  @Override
  public void onStep(Step step) {
    lossSum += step.loss();
    steps++;
  }

  /** A row with the mean training loss since the previous validation. */
  @Override
  public void onValidation(Validation validation) {
    add(validation.step(), lossSum / Math.max(1, steps), validation.result().report());
    lossSum = 0;
    steps = 0;
  }

  @Override
  public void onEnd(long step, boolean completed) {
    if (completed) {
      plot(curves);
    }
  }

  public List<double[]> rows() {
    return List.copyOf(rows);
  }

  /** curves.png: losses, V_rand, V_info, pixel error and accuracy against step. */
  public void plot(Path target) {
    if (rows.isEmpty()) {
      return;
    }
    Map<String, List<Charts.Line>> charts = new LinkedHashMap<>();
    charts.put("loss", List.of(line("training", 1), line("validation", 2)));
    charts.put("V_rand", List.of(line("after thinning", 8), line("as is", 5)));
    charts.put("V_info", List.of(line("after thinning", 9), line("as is", 6)));
    charts.put("pixel error", List.of(line("pixel error", 4)));
    charts.put("pixel accuracy", List.of(line("pixel accuracy", 3)));
    charts.put("mean IoU", List.of(line("mean IoU", 7)));
    Charts.writeCurves(target, charts);
  }

  private Charts.Line line(String name, int column) {
    double[] x = rows.stream().mapToDouble(r -> r[0]).toArray();
    double[] y = rows.stream().mapToDouble(r -> r[column]).toArray();
    return new Charts.Line(name, x, y);
  }

  private static double parse(String cell) {
    try {
      return Double.parseDouble(cell.trim());
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }
}
