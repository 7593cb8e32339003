package org.unettf.infer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.unettf.config.ClassMap;
import org.unettf.data.OverlapTile;
import org.unettf.error.UserError;
import org.unettf.io.AtomicFiles;
import org.unettf.io.ImageStack;
import org.unettf.io.LabelStack;
import org.unettf.io.OutputSet;
import org.unettf.io.Pictures;
import org.unettf.io.StackReader;
import org.unettf.io.StackWriter;
import org.unettf.io.volume.Volume;
import org.unettf.io.volume.Volumes;
import org.unettf.metrics.Evaluation;
import org.unettf.metrics.InstanceSweep;
import org.unettf.metrics.Reports;
import org.unettf.numerics.Instances;
import org.unettf.train.RunInfo;

/**
 * {@code evaluate}: a model's predictions of labelled slices scored as the ISBI 2012 challenge
 * scores them, and its cells as objects; or a label stack made elsewhere scored as a
 * segmentation. Writes the report folder ({@code metrics.json}, {@code metrics.csv}, a panel and a
 * cells picture per slice), all of it or none.
 */
public final class Evaluator {
  private Evaluator() {}

  /**
   * What to score and where the report goes; {@code slices} null for all. With {@code
   * tuneInstances} the instance parameters around {@code instances} are swept on the same slices
   * ({@link InstanceSweep}).
   */
  public record Request(Path images, Path labels, List<Integer> slices, int[] transforms, OverlapTile.Plan plan,
      Instances.Parameters instances, boolean tuneInstances, Path report) {}

  /**
   * @param report the model's scores, or null where a label stack was scored
   * @param cells the cells' scores as objects: the model's instances, or the given label stack
   * @param tuning the instance settings tried; null unless asked for
   */
  public record Result(Evaluation.Report report, Evaluation.SegmentScores cells, List<Integer> slices,
      double seconds, InstanceSweep.Result tuning) {
    /** What to print: the challenge's table and the cells' lines, and the best settings tried. */
    public String table(String cellsName) {
      String segments = Reports.segmentsTable(cellsName, cells, slices);
      String out = report == null ? segments : Reports.table(report) + "\n" + segments;
      return tuning == null ? out : out + "\n" + Reports.sweepTable(tuning, 5);
    }
  }

  /** The model's probabilities, and its instances, scored on the requested slices. */
  public static Result model(Predictor predictor, Request request, Consumer<String> notice,
      InstanceSweep.Progress swept) {
    ModelCard card = predictor.card();
    int classes = card.model().classes();
    int channels = card.model().channels();
    ImageStack stack = StackReader.readImages(request.images(), "--images", channels, notice);
    LabelStack truth = StackReader.readLabels(request.labels(), "--labels", card.classes());
    checkMatch(request, truth, stack.depth(), stack.width(), stack.height());
    List<Integer> chosen = chosen(request, stack.depth());
    ImageStack subset = new ImageStack(stack.source(), stack.width(), stack.height(), channels,
        chosen.stream().map(stack::slice).toArray(float[][]::new));
    long start = System.nanoTime();
    List<float[]> probabilities = StackPredictor.predict(subset, predictor, request.plan(), request.transforms(),
        z -> { });
    double seconds = (System.nanoTime() - start) / 1e9;
    List<Evaluation.Prediction> predictions = new ArrayList<>();
    int[][] cells = new int[chosen.size()][];
    for (int i = 0; i < chosen.size(); i++) {
      int z = chosen.get(i);
      predictions.add(new Evaluation.Prediction(z, stack.width(), stack.height(), classes, probabilities.get(i),
          truth.slice(z), null));
      cells[i] = CellInstances.of(probabilities.get(i), classes, stack.width(), stack.height(), request.instances());
    }
    Evaluation.Report report = Evaluation.evaluate(predictions);
    byte[][] chosenTruth = chosen.stream().map(truth::slice).toArray(byte[][]::new);
    Evaluation.SegmentScores scores = Evaluation.segments(chosenTruth, cells, stack.width(), stack.height());
    InstanceSweep.Result tuning = null;
    if (request.tuneInstances()) {
      float[][] cell = probabilities.stream().map(p -> CellInstances.cellProbability(p, classes))
          .toArray(float[][]::new);
      tuning = InstanceSweep.sweep(cell, chosenTruth, stack.width(), stack.height(),
          InstanceSweep.grid(request.instances()), swept);
    }
    Map<String, Object> json = Reports.metrics(report);
    json.put("instances", Reports.segments(scores, chosen));
    if (tuning != null) {
      json.put("instances_tuning", Reports.sweep(tuning));
    }
    json.put("model", predictor.path().toString());
    json.put("images", request.images().toString());
    json.put("labels", request.labels().toString());
    json.put("slices", chosen);
    json.put("tta", request.transforms());
    json.put("seconds", seconds);
    json.put("environment", RunInfo.environment());
    try (OutputSet outputs = new OutputSet()) {
      outputs.write(request.report().resolve("metrics.json"), text(RunInfo.gson().toJson(json) + "\n"));
      outputs.write(request.report().resolve("metrics.csv"), text(Reports.csv(report)));
      if (tuning != null) {
        outputs.write(request.report().resolve("instances-tuning.csv"), text(InstanceSweep.csv(tuning)));
      }
      for (int i = 0; i < predictions.size(); i++) {
        Evaluation.Prediction p = predictions.get(i);
        float[] image = Pictures.luma(stack.slice(p.slice()), channels);
        outputs.write(request.report().resolve(String.format("slice-%03d.png", p.slice())), StackWriter.png(
            Pictures.panel(image, p.truth(), Evaluation.channel(p, classes - 1), Evaluation.argmax(p), p.width(),
                p.height(), "slice " + p.slice())));
        outputs.write(request.report().resolve(String.format("cells-%03d.png", p.slice())),
            StackWriter.png(Pictures.cells(image, cells[i], p.width(), p.height())));
      }
      outputs.commit();
    }
    return new Result(report, scores, chosen, seconds, tuning);
  }

  /**
   * A label stack scored as a segmentation against the labels: 0 is boundary, every other id a
   * cell, as they are. Read through the volume layer, so uint32 ids stay exact.
   */
  public static Result segments(Path segmentsPath, Request request) {
    LabelStack truth = StackReader.readLabels(request.labels(), "--labels", ClassMap.binary());
    int[][] all;
    try (Volume segments = Volumes.open(segmentsPath.toString())) {
      long[] shape = segments.shape();
      if (shape.length != 3 || shape[1] != truth.height() || shape[2] != truth.width() || shape[0] != truth.depth()) {
        throw UserError.input("--segments: " + segmentsPath + " is " + dims(shape) + " but --labels " + request.labels()
            + " is " + truth.depth() + "×" + truth.height() + "×" + truth.width() + "; expected the same z, y, x");
      }
      all = new int[truth.depth()][];
      for (int z = 0; z < all.length; z++) {
        long[] ids = segments.readLongs(new long[] {z, 0, 0}, new int[] {1, truth.height(), truth.width()});
        all[z] = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
          if (ids[i] < 0 || ids[i] > Integer.MAX_VALUE) {
            throw UserError.input("--segments: " + segmentsPath + " slice " + z + " holds id " + ids[i]
                + "; expected cell ids from 0 (boundary) to " + Integer.MAX_VALUE);
          }
          all[z][i] = (int) ids[i];
        }
      }
    }
    List<Integer> chosen = chosen(request, truth.depth());
    Evaluation.SegmentScores scores = Evaluation.segments(chosen.stream().map(truth::slice).toArray(byte[][]::new),
        chosen.stream().map(z -> all[z]).toArray(int[][]::new), truth.width(), truth.height());
    Map<String, Object> json = Reports.segments(scores, chosen);
    json.put("segments", segmentsPath.toString());
    json.put("labels", request.labels().toString());
    json.put("environment", RunInfo.environment());
    try (OutputSet outputs = new OutputSet()) {
      outputs.write(request.report().resolve("metrics.json"), text(RunInfo.gson().toJson(json) + "\n"));
      outputs.commit();
    }
    return new Result(null, scores, chosen, 0, null);
  }

  private static void checkMatch(Request request, LabelStack truth, int depth, int width, int height) {
    if (truth.depth() != depth || truth.width() != width || truth.height() != height) {
      throw UserError.input("--labels: " + request.labels() + " is " + truth.depth() + "×" + truth.width() + "×"
          + truth.height() + " but --images " + request.images() + " is " + depth + "×" + width + "×" + height);
    }
  }

  private static List<Integer> chosen(Request request, int depth) {
    if (request.slices() == null) {
      return IntStream.range(0, depth).boxed().toList();
    }
    for (int z : request.slices()) {
      if (z >= depth) {
        throw UserError.config("--slices: slice " + z + " does not exist; the stacks have slices 0 to " + (depth - 1));
      }
    }
    return request.slices();
  }

  private static String dims(long[] shape) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < shape.length; i++) {
      out.append(i == 0 ? "" : "×").append(shape[i]);
    }
    return out.toString();
  }

  private static AtomicFiles.Body text(String content) {
    return out -> out.write(content.getBytes(StandardCharsets.UTF_8));
  }
}
