package org.unettf.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.unettf.config.Indices;
import org.unettf.data.OverlapTile;
import org.unettf.error.UserError;
import org.unettf.infer.Predictor;
import org.unettf.infer.StackPredictor;
import org.unettf.io.AtomicFiles;
import org.unettf.io.ImageStack;
import org.unettf.io.OutputSet;
import org.unettf.io.LabelStack;
import org.unettf.io.Pictures;
import org.unettf.io.StackReader;
import org.unettf.io.StackWriter;
import org.unettf.metrics.Evaluation;
import org.unettf.train.RunInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "evaluate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Score a SavedModel or ONNX model on labelled slices as the ISBI 2012 challenge did; writes metrics "
        + "and pictures.")
final class EvaluateCommand implements Callable<Integer> {
  @ParentCommand
  Main main;

  @Option(names = "--images", required = true, paramLabel = "PATH", description = "Image stack, slice or folder.")
  Path images;

  @Option(names = "--labels", required = true, paramLabel = "PATH", description = "Label stack, slice or folder, in the mask values the model was trained on (ISBI: 0 = membrane, 255 = cell).")
  Path labels;

  @Option(names = "--slices", paramLabel = "LIST", description = "Slices to score, e.g. 27-29 (default: all).")
  String slices;

  @Option(names = "--report", required = true, paramLabel = "DIR", description = "Folder for metrics.json, metrics.csv and panels.")
  Path report;

  @Mixin
  ModelOptions options;

  @Override
  public Integer call() {
    int[] transforms = options.transforms();
    OverlapTile.Plan plan = options.plan();
    options.runtime();
    List<Integer> requested = slices == null ? null : parseSlices(slices);
    OutputSet.checkWritable(report.resolve("metrics.json"), "--report");
    try (Predictor predictor = Predictor.load(options.modelPath(), options.runtime())) {
      int classes = predictor.card().model().classes();
      int channels = predictor.card().model().channels();
      ImageStack stack = StackReader.readImages(images, "--images", channels, main.out::println);
      LabelStack truth = StackReader.readLabels(labels, "--labels", predictor.card().classes());
      if (truth.depth() != stack.depth() || truth.width() != stack.width() || truth.height() != stack.height()) {
        throw UserError.input("--labels: " + labels + " is " + truth.depth() + "×" + truth.width() + "×" + truth.height()
            + " but --images " + images + " is " + stack.depth() + "×" + stack.width() + "×" + stack.height());
      }
      List<Integer> chosen = chosenSlices(requested, stack.depth());
      ImageStack subset = new ImageStack(stack.source(), stack.width(), stack.height(), channels,
          chosen.stream().map(stack::slice).toArray(float[][]::new));
      long start = System.nanoTime();
      List<float[]> probabilities = StackPredictor.predict(subset, predictor, plan, transforms,
          z -> { });
      double seconds = (System.nanoTime() - start) / 1e9;
      List<Evaluation.Prediction> predictions = new ArrayList<>();
      for (int i = 0; i < chosen.size(); i++) {
        int z = chosen.get(i);
        predictions.add(new Evaluation.Prediction(z, stack.width(), stack.height(), classes, probabilities.get(i),
            truth.slice(z), null));
      }
      Evaluation.Report result = Evaluation.evaluate(predictions);
      Map<String, Object> json = Reports.metrics(result);
      json.put("model", predictor.path().toString());
      json.put("images", images.toString());
      json.put("labels", labels.toString());
      json.put("slices", chosen);
      json.put("tta", transforms);
      json.put("seconds", seconds);
      json.put("environment", RunInfo.environment());
      AtomicFiles.writeString(report.resolve("metrics.json"), RunInfo.gson().toJson(json) + "\n");
      AtomicFiles.writeString(report.resolve("metrics.csv"), Reports.csv(result));
      for (Evaluation.Prediction p : predictions) {
        StackWriter.writePng(report.resolve(String.format("slice-%03d.png", p.slice())),
            Pictures.panel(Pictures.luma(stack.slice(p.slice()), channels), p.truth(), Evaluation.channel(p, classes - 1),
                Evaluation.argmax(p), p.width(), p.height(), "slice " + p.slice()));
      }
      main.out.println(Reports.table(result));
      main.out.printf("wrote %s (metrics.json, metrics.csv, %d panels); %.2f s per slice%n", report, chosen.size(),
          seconds / chosen.size());
    }
    return 0;
  }

  static List<Integer> parseSlices(String text) {
    try {
      return Indices.parse(text);
    } catch (IllegalArgumentException e) {
      throw UserError.config("--slices: expected slice numbers such as 27-29 or 0,5,9, found " + e.getMessage());
    }
  }

  private List<Integer> chosenSlices(List<Integer> requested, int depth) {
    if (requested == null) {
      return IntStream.range(0, depth).boxed().toList();
    }
    for (int z : requested) {
      if (z >= depth) {
        throw UserError.config("--slices: slice " + z + " does not exist; " + images + " has slices 0 to " + (depth - 1));
      }
    }
    return requested;
  }
}
