package org.unettf.data;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.unettf.config.RunConfig;
import org.unettf.error.UserError;
import org.unettf.io.ImageStack;
import org.unettf.io.LabelStack;
import org.unettf.io.StackReader;

/**
 * The annotated stack, read and checked, split into training and validation slices, with the
 * statistics training needs: normalisation, class weights {@code w_c} and a weight map per slice.
 */
public record TrainingSet(
    List<Slice> train, List<Slice> validation, Normalization normalization, double[] classWeights,
    long[] classCounts) {

  /** Reads and checks the data a config names, and computes the weight maps. */
  public static TrainingSet load(RunConfig config, Consumer<String> log) {
    return load(config, null, log);
  }

  /**
   * As {@link #load(RunConfig, Consumer)}, taking the weight maps from {@code cachedWeights} (a
   * float TIFF written by an earlier start of the same run) when it matches the stack.
   */
  public static TrainingSet load(RunConfig config, java.nio.file.Path cachedWeights, Consumer<String> log) {
    ImageStack images = StackReader.readImages(config.data().images(), "data.images", log);
    LabelStack labels = StackReader.readLabels(config.data().labels(), "data.labels");
    ImageStack cache = null;
    if (cachedWeights != null && java.nio.file.Files.isRegularFile(cachedWeights)) {
      ImageStack read = StackReader.readImages(cachedWeights, "weight map cache", log);
      if (read.depth() == images.depth() && read.width() == images.width() && read.height() == images.height()) {
        cache = read;
      }
    }
    return of(config, images, labels, cache, log);
  }

  public static TrainingSet of(RunConfig config, ImageStack images, LabelStack labels, Consumer<String> log) {
    return of(config, images, labels, null, log);
  }

  private static TrainingSet of(RunConfig config, ImageStack images, LabelStack labels, ImageStack cachedWeights,
      Consumer<String> log) {
    checkMatch(images, labels);
    List<Integer> validationIndices = validationIndices(config, images.depth());
    int output = config.outputTile();
    int shortest = Math.min(images.width(), images.height());
    if (output > shortest) {
      int largest = largestTileFor(config, shortest);
      throw UserError.config("tile.size: " + config.tile().size() + " gives " + output + " px outputs, larger than the "
          + images.width() + "×" + images.height() + " slices of " + images.source()
          + (largest > 0 ? "; use tile.size " + largest + " or less" : "; the network is too deep for these slices"));
    }
    List<Integer> trainIndices = IntStream.range(0, images.depth())
        .filter(i -> !validationIndices.contains(i)).boxed().toList();

    int classes = config.model().classes();
    long[] counts = new long[classes];
    for (int z : trainIndices) {
      for (byte c : labels.slice(z)) {
        if (c >= classes) {
          throw UserError.input("data.labels: " + labels.source() + " slice " + z + " has class " + c
              + " but model.classes is " + classes);
        }
        counts[c]++;
      }
    }
    double[] classWeights = new double[classes];
    if (config.weights().classBalance()) {
      classWeights = WeightMap.classBalance(counts);
    } else {
      java.util.Arrays.fill(classWeights, 1.0);
    }
    Normalization normalization = Normalization.of(trainIndices.stream().map(images::slice).toList());
    double w0 = config.weights().w0();
    double sigma = config.weights().sigma();
    final double[] wc = classWeights;
    long start = System.nanoTime();
    Slice[] slices = IntStream.range(0, images.depth()).parallel()
        .mapToObj(z -> new Slice(z, images.width(), images.height(), images.slice(z), labels.slice(z),
            cachedWeights != null
                ? cachedWeights.slice(z)
                : WeightMap.compute(labels.slice(z), images.width(), images.height(), wc, w0, sigma)))
        .toArray(Slice[]::new);
    log.accept(String.format("weight maps: %d slices %s in %.0f ms (w0 = %s, sigma = %s px, w_c = %s)",
        slices.length, cachedWeights != null ? "read from the run's cache" : "computed",
        (System.nanoTime() - start) / 1e6, w0, sigma, java.util.Arrays.toString(round(wc))));
    List<Slice> train = new ArrayList<>();
    List<Slice> validation = new ArrayList<>();
    for (Slice s : slices) {
      (validationIndices.contains(s.index()) ? validation : train).add(s);
    }
    return new TrainingSet(List.copyOf(train), List.copyOf(validation), normalization, classWeights, counts);
  }

  private static void checkMatch(ImageStack images, LabelStack labels) {
    if (images.depth() != labels.depth()) {
      throw UserError.input("data.labels: " + labels.source() + " has " + labels.depth() + " slices but data.images "
          + images.source() + " has " + images.depth());
    }
    if (images.width() != labels.width() || images.height() != labels.height()) {
      throw UserError.input("data.labels: " + labels.source() + " slices are " + labels.width() + "×" + labels.height()
          + " but data.images " + images.source() + " slices are " + images.width() + "×" + images.height());
    }
  }

  /** The configured validation slices, or the last 10% of the stack (at least one). */
  private static List<Integer> validationIndices(RunConfig config, int depth) {
    List<Integer> given = config.data().validationSlices();
    if (given.isEmpty()) {
      int n = Math.max(1, (int) Math.round(depth * 0.1));
      if (n >= depth) {
        throw UserError.input("data.images: " + config.data().images() + " has " + depth
            + " slice(s); training needs at least 2 (one to train on, one to validate)");
      }
      return IntStream.range(depth - n, depth).boxed().toList();
    }
    for (int i : given) {
      if (i >= depth) {
        throw UserError.config("data.validation_slices: slice " + i + " does not exist; " + config.data().images()
            + " has slices 0 to " + (depth - 1));
      }
    }
    if (given.size() >= depth) {
      throw UserError.config("data.validation_slices: all " + depth + " slices are for validation; leave some to train on");
    }
    return given;
  }

  /** The largest tile whose output fits in {@code shortest} pixels, or -1 if none does. */
  private static int largestTileFor(RunConfig config, int shortest) {
    int best = -1;
    for (int s = config.model().smallestInput(); ; s++) {
      int o = config.model().outputSize(s);
      if (o > shortest) {
        return best;
      }
      if (o > 0) {
        best = s;
      }
    }
  }

  private static double[] round(double[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Math.round(values[i] * 1000) / 1000.0;
    }
    return out;
  }
}
