package org.unettf.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.unettf.config.Indices;
import org.unettf.data.OverlapTile;
import org.unettf.error.UserError;
import org.unettf.infer.Evaluator;
import org.unettf.infer.Predictor;
import org.unettf.io.OutputSet;
import org.unettf.io.ProgressLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "evaluate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Score a SavedModel or ONNX model on labelled slices as the ISBI 2012 challenge did, and its cells "
        + "as objects, or score a label stack as a segmentation; writes metrics and pictures.")
final class EvaluateCommand implements Callable<Integer> {
  @ParentCommand
  Main main;

  @Option(names = "--images", required = true, paramLabel = "PATH", description = "Image stack, slice or folder (with --segments: not read).")
  Path images;

  @Option(names = "--labels", required = true, paramLabel = "PATH", description = "Label stack, slice or folder, in the mask values the model was trained on (ISBI: 0 = membrane, 255 = cell).")
  Path labels;

  @Option(names = "--slices", paramLabel = "LIST", description = "Slices to score, e.g. 27-29 (default: all).")
  String slices;

  @Option(names = "--report", required = true, paramLabel = "DIR", description = "Folder for metrics.json, metrics.csv and panels.")
  Path report;

  @Option(names = "--segments", paramLabel = "PATH",
      description = "Score this label stack (0 = boundary, every other id a cell; TIFF, .zarr/…, .n5/…, .h5:/…) as a "
          + "segmentation instead of a model's prediction.")
  Path segments;

  @Option(names = "--tune-instances",
      description = "Also try the cells' smoothing, seed and merge thresholds around the given ones on these slices "
          + "(54 settings), and report the best with the options that reproduce it (instances-tuning.csv).")
  boolean tuneInstances;

  @Mixin
  ModelOptions options;

  @Mixin
  InstanceOptions instances;

  @Override
  public Integer call() {
    int[] transforms = options.transforms();
    OverlapTile.Plan plan = options.plan();
    options.runtime();
    List<Integer> requested = slices == null ? null : parseSlices(slices);
    if (segments != null && tuneInstances) {
      throw UserError.config("--tune-instances: expected a model's probabilities to segment, but --segments gives "
          + "finished cells; leave one of them out");
    }
    Evaluator.Request request = new Evaluator.Request(images, labels, requested, transforms, plan,
        instances.parameters(), tuneInstances, report);
    OutputSet.checkWritable(report.resolve("metrics.json"), "--report");
    if (segments != null) {
      Evaluator.Result result = Evaluator.segments(segments, request);
      main.out.println(result.table("segments " + segments));
      main.out.println("wrote " + report.resolve("metrics.json"));
      return 0;
    }
    try (Predictor predictor = Predictor.load(options.modelPath(), options.runtime())) {
      ProgressLine line = new ProgressLine(main.out, main.out == System.out && System.console() != null);
      Evaluator.Result result = Evaluator.model(predictor, request, main.out::println,
          (done, total) -> {
            if (line.terminal() || done % 10 == 0 || done == total) { // a log gets a few lines, not 54
              line.draw("instance settings " + done + "/" + total + " " + ProgressLine.bar(done, total));
            }
          });
      line.finish();
      main.out.println(result.table("cells (the model's instances)"));
      main.out.printf("wrote %s (metrics.json, metrics.csv, %d panels and cell pictures); %.2f s per slice%n", report,
          result.slices().size(), result.seconds() / result.slices().size());
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

}
