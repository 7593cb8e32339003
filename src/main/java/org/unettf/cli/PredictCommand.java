package org.unettf.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.unettf.config.ClassMap;
import org.unettf.data.OverlapTile;
import org.unettf.error.UserError;
import org.unettf.infer.Predictor;
import org.unettf.infer.StackPredictor;
import org.unettf.io.AtomicFiles;
import org.unettf.io.ImageStack;
import org.unettf.io.OutputSet;
import org.unettf.io.Pictures;
import org.unettf.io.StackReader;
import org.unettf.io.StackWriter;
import org.unettf.metrics.Evaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "predict", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Segment a stack, slice or folder of slices with a SavedModel or an ONNX model, overlap-tile.")
final class PredictCommand implements Callable<Integer> {
  @ParentCommand
  Main main;

  @Option(names = "--input", required = true, paramLabel = "PATH", description = "A TIFF stack, a TIFF/PNG slice, or a folder of slices.")
  Path input;

  @Option(names = "--output", required = true, paramLabel = "FILE", description = "Float32 TIFF of cell probabilities (ISBI format: 1 = cell).")
  Path output;

  @Option(names = "--masks", paramLabel = "FILE", description = "8-bit mask TIFF (default: <output>-masks.tif).")
  Path masks;

  @Option(names = "--overlays", paramLabel = "DIR", description = "Also write a PNG overlay per slice into this folder.")
  Path overlays;

  @Mixin
  ModelOptions options;

  @Override
  public Integer call() {
    int[] transforms = options.transforms();
    OverlapTile.Plan plan = options.plan();
    options.runtime();
    Path masksPath = masks != null ? masks : sibling(output, "-masks.tif");
    OutputSet.checkWritable(output, "--output");
    OutputSet.checkWritable(masksPath, "--masks");
    if (overlays != null) {
      OutputSet.checkWritable(overlays.resolve("slice-000.png"), "--overlays");
    }
    AtomicFiles.cleanStale(output.toAbsolutePath().getParent());
    AtomicFiles.cleanStale(masksPath.toAbsolutePath().getParent());
    try (Predictor predictor = Predictor.load(options.modelPath(), options.runtime())) {
      int classes = predictor.card().model().classes();
      int channels = predictor.card().model().channels();
      ImageStack stack = StackReader.readImages(input, "--input", channels, main.out::println);
      main.out.printf("model %s; %d slices of %d×%d; test-time augmentation over %d transform(s)%n", predictor.path(),
          stack.depth(), stack.width(), stack.height(), transforms.length);
      long start = System.nanoTime();
      List<float[]> probabilities = StackPredictor.predict(stack, predictor, plan,
          transforms, z -> main.out.printf("  slice %d/%d%n", z + 1, stack.depth()));
      double seconds = (System.nanoTime() - start) / 1e9;
      List<float[]> planes = new ArrayList<>();
      List<byte[]> maskPlanes = new ArrayList<>();
      for (float[] p : probabilities) {
        if (classes == 2) {
          planes.add(Evaluation.channel(p, 2, 1));
        } else {
          for (int c = 0; c < classes; c++) {
            planes.add(Evaluation.channel(p, classes, c));
          }
        }
        maskPlanes.add(maskBytes(Evaluation.argmax(p, classes), predictor.card().classes()));
      }
      try (OutputSet outputs = new OutputSet()) {
        outputs.write(output, StackWriter.floatTiff(output, stack.width(), stack.height(), planes));
        outputs.write(masksPath, StackWriter.byteTiff(masksPath, stack.width(), stack.height(), maskPlanes));
        if (overlays != null) {
          for (int z = 0; z < stack.depth(); z++) {
            outputs.write(overlays.resolve(String.format("slice-%03d.png", z)), StackWriter.png(
                Pictures.overlay(Pictures.luma(stack.slice(z), channels), Evaluation.argmax(probabilities.get(z), classes),
                    stack.width(), stack.height())));
          }
        }
        outputs.commit();
      }
      main.out.printf("wrote %s (probabilities%s) and %s (masks) in %.1f s (%.2f s per slice)%n", output,
          classes == 2 ? " of class 1, cell" : ", one page per class per slice", masksPath, seconds, seconds / stack.depth());
    }
    return 0;
  }

  /**
   * Masks in the labels' own convention: each class as its mask value (0 and 255 for ISBI), or as
   * its index where a value does not fit in 8 bits.
   */
  static byte[] maskBytes(byte[] classes, ClassMap map) {
    boolean byteValues = map.values().stream().allMatch(v -> v <= 255);
    byte[] out = new byte[classes.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) (byteValues ? map.values().get(classes[i]) : classes[i]);
    }
    return out;
  }

  static Path sibling(Path file, String suffix) {
    String name = file.getFileName().toString().replaceFirst("\\.tiff?$", "");
    return file.resolveSibling(name + suffix);
  }
}
