package org.unettf.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.unettf.config.DataConfig;
import org.unettf.config.RunConfig;
import org.unettf.error.UserError;
import org.unettf.io.ImageStack;
import org.unettf.io.LabelStack;
import org.unettf.io.StackReader;

/**
 * The annotated slices, read and checked, split into training and validation slices, with the
 * statistics training needs: normalisation, class weights {@code w_c} and a weight map per slice.
 *
 * <p>The slices come from the config's sources in order: one image/label pair of stacks, slices
 * or folders (folders are paired file by file, by name), or a list of such pairs. Slices may
 * differ in size from source to source; {@code data.validation_slices} counts across all of them.
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
   * float TIFF written by an earlier start of the same run) when it matches the slices.
   */
  public static TrainingSet load(RunConfig config, Path cachedWeights, Consumer<String> log) {
    List<Pair> pairs = new ArrayList<>();
    List<DataConfig.Pair> sources = config.data().sources();
    for (int i = 0; i < sources.size(); i++) {
      String images = sources.size() == 1 && config.data().pairs().isEmpty() ? "data.images" : "data.pairs[" + i + "].images";
      String labels = images.replace(".images", ".labels");
      pairs.addAll(read(config, sources.get(i), images, labels, log));
    }
    List<float[]> cache = readCache(cachedWeights, pairs, log);
    return of(config, pairs, cache, log);
  }

  /** One image stack and its labels, checked to match. */
  record Pair(ImageStack images, LabelStack labels) {}

  private static List<Pair> read(RunConfig config, DataConfig.Pair source, String imagesKey, String labelsKey,
      Consumer<String> log) {
    int channels = config.model().channels();
    if (Files.isDirectory(source.images()) && Files.isDirectory(source.labels())) {
      List<Pair> pairs = new ArrayList<>();
      for (Map.Entry<Path, Path> file : pairByName(source.images(), source.labels(), imagesKey, labelsKey).entrySet()) {
        pairs.add(checked(StackReader.readImages(file.getKey(), imagesKey, channels, log),
            StackReader.readLabels(file.getValue(), labelsKey, config.data().classes()), imagesKey, labelsKey));
      }
      return pairs;
    }
    ImageStack images = StackReader.readImages(source.images(), imagesKey, channels, log);
    LabelStack labels = StackReader.readLabels(source.labels(), labelsKey, config.data().classes());
    return List.of(checked(images, labels, imagesKey, labelsKey));
  }

  /** Image files and their masks, matched by name without extension, in natural name order. */
  static Map<Path, Path> pairByName(Path images, Path labels, String imagesKey, String labelsKey) {
    Map<String, Path> masks = new LinkedHashMap<>();
    for (Path p : StackReader.sliceFiles(labels, labelsKey)) {
      masks.put(stem(p), p);
    }
    Map<Path, Path> pairs = new LinkedHashMap<>();
    for (Path image : StackReader.sliceFiles(images, imagesKey)) {
      Path mask = masks.remove(stem(image));
      if (mask == null) {
        throw UserError.input(labelsKey + ": no mask for " + image + " in " + labels + " (masks are paired with images "
            + "by file name without extension: " + stem(image) + ".png or .tif)");
      }
      pairs.put(image, mask);
    }
    if (!masks.isEmpty()) {
      throw UserError.input(labelsKey + ": " + masks.values().iterator().next() + " has no image of the same name in "
          + images);
    }
    return pairs;
  }

  private static String stem(Path p) {
    return p.getFileName().toString().replaceFirst("\\.[^.]*$", "");
  }

  private static Pair checked(ImageStack images, LabelStack labels, String imagesKey, String labelsKey) {
    if (images.depth() != labels.depth()) {
      throw UserError.input(labelsKey + ": " + labels.source() + " has " + labels.depth() + " slices but " + imagesKey + " "
          + images.source() + " has " + images.depth());
    }
    if (images.width() != labels.width() || images.height() != labels.height()) {
      throw UserError.input(labelsKey + ": " + labels.source() + " slices are " + labels.width() + "×" + labels.height()
          + " but " + imagesKey + " " + images.source() + " slices are " + images.width() + "×" + images.height());
    }
    return new Pair(images, labels);
  }

  private static List<float[]> readCache(Path cachedWeights, List<Pair> pairs, Consumer<String> log) {
    if (cachedWeights == null || !Files.isRegularFile(cachedWeights)) {
      return null;
    }
    ImageStack cache = StackReader.readImages(cachedWeights, "weight map cache", log);
    int depth = pairs.stream().mapToInt(p -> p.images().depth()).sum();
    boolean sameSize = pairs.stream().allMatch(p -> p.images().width() == cache.width() && p.images().height() == cache.height());
    return cache.depth() == depth && sameSize ? Arrays.asList(cache.slices()) : null;
  }

  private static TrainingSet of(RunConfig config, List<Pair> pairs, List<float[]> cachedWeights, Consumer<String> log) {
    List<SourceSlice> all = new ArrayList<>();
    for (Pair p : pairs) {
      for (int z = 0; z < p.images().depth(); z++) {
        all.add(new SourceSlice(p, z));
      }
    }
    List<Integer> validationIndices = validationIndices(config, all.size());
    int output = config.outputTile();
    for (SourceSlice s : all) {
      int shortest = Math.min(s.pair().images().width(), s.pair().images().height());
      if (output > shortest) {
        int largest = largestTileFor(config, shortest);
        throw UserError.config("tile.size: " + config.tile().size() + " gives " + output + " px outputs, larger than the "
            + s.pair().images().width() + "×" + s.pair().images().height() + " slices of " + s.pair().images().source()
            + (largest > 0 ? "; use tile.size " + largest + " or less" : "; the network is too deep for these slices"));
      }
    }
    int classes = config.model().classes();
    long[] counts = new long[classes];
    for (int i = 0; i < all.size(); i++) {
      if (!validationIndices.contains(i)) {
        for (byte c : all.get(i).labels()) {
          counts[c]++;
        }
      }
    }
    double[] classWeights = new double[classes];
    if (config.weights().classBalance()) {
      classWeights = WeightMap.classBalance(counts);
    } else {
      Arrays.fill(classWeights, 1.0);
    }
    Normalization normalization = Normalization.of(IntStream.range(0, all.size())
        .filter(i -> !validationIndices.contains(i)).mapToObj(i -> all.get(i).image()).toList());
    double w0 = config.weights().w0();
    double sigma = config.weights().sigma();
    final double[] wc = classWeights;
    long start = System.nanoTime();
    Slice[] slices = IntStream.range(0, all.size()).parallel()
        .mapToObj(i -> {
          SourceSlice s = all.get(i);
          ImageStack images = s.pair().images();
          float[] weights = cachedWeights != null
              ? cachedWeights.get(i)
              : WeightMap.compute(s.labels(), images.width(), images.height(), wc, w0, sigma);
          return new Slice(i, images.width(), images.height(), images.channels(), s.image(), s.labels(), weights);
        })
        .toArray(Slice[]::new);
    log.accept(String.format("weight maps: %d slices %s in %.0f ms (w0 = %s, sigma = %s px, w_c = %s)",
        slices.length, cachedWeights != null ? "read from the run's cache" : "computed",
        (System.nanoTime() - start) / 1e6, w0, sigma, Arrays.toString(round(wc))));
    List<Slice> train = new ArrayList<>();
    List<Slice> validation = new ArrayList<>();
    for (Slice s : slices) {
      (validationIndices.contains(s.index()) ? validation : train).add(s);
    }
    return new TrainingSet(List.copyOf(train), List.copyOf(validation), normalization, classWeights, counts);
  }

  private record SourceSlice(Pair pair, int z) {
    float[] image() {
      return pair.images().slice(z);
    }

    byte[] labels() {
      return pair.labels().slice(z);
    }
  }

  /** The configured validation slices, or the last 10% of them (at least one). */
  private static List<Integer> validationIndices(RunConfig config, int depth) {
    List<Integer> given = config.data().validationSlices();
    if (given.isEmpty()) {
      int n = Math.max(1, (int) Math.round(depth * 0.1));
      if (n >= depth) {
        throw UserError.input("data: " + depth + " slice(s) in all; training needs at least 2 (one to train on, one to "
            + "validate)");
      }
      return IntStream.range(depth - n, depth).boxed().toList();
    }
    for (int i : given) {
      if (i >= depth) {
        throw UserError.config("data.validation_slices: slice " + i + " does not exist; the data has slices 0 to "
            + (depth - 1));
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

  /** Every slice, training and validation, in index order. */
  public List<Slice> all() {
    List<Slice> all = new ArrayList<>(train);
    all.addAll(validation);
    all.sort(Comparator.comparingInt(Slice::index));
    return all;
  }

  private static double[] round(double[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Math.round(values[i] * 1000) / 1000.0;
    }
    return out;
  }
}
