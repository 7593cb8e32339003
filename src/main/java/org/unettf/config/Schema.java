package org.unettf.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.unettf.config.AugmentConfig.Elastic;
import org.unettf.config.ModelConfig.Padding;
import org.unettf.config.RuntimeConfig.Precision;
import org.unettf.config.TrainConfig.LossKind;
import org.unettf.config.TrainConfig.Optimizer;

/**
 * Every config key, section by section, in the order the resolved config lists them: the one
 * place that names a key, its type, default, range and meaning. {@link ConfigLoader} reads with
 * these keys, {@link #write} writes a run's resolved config with them, and the README's config
 * reference is {@link #reference()} (a test keeps the two equal).
 */
public final class Schema {
  private Schema() {}

  /** A section of keys, and the sections within it, each with where its record sits in the parent's. */
  public record Section<R>(String name, List<Key<R, ?>> keys, List<Child<R, ?>> children) {
    Map<String, Object> write(R record) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Key<R, ?> key : keys) {
        out.put(key.name(), key.plain(record));
      }
      for (Child<R, ?> child : children) {
        out.put(child.section().name(), child.write(record));
      }
      return out;
    }

    void rows(String prefix, List<String> out) {
      for (Key<R, ?> key : keys) {
        out.add("| `" + prefix + key.name() + "` | " + key.allowed() + " | " + key.defaultText() + " | "
            + key.description() + " |");
      }
      for (Child<R, ?> child : children) {
        child.section().rows(prefix + child.section().name() + ".", out);
      }
    }
  }

  /** A section inside another, and the accessor of its record in the parent's. */
  public record Child<P, C>(Section<C> section, Function<P, C> accessor) {
    Map<String, Object> write(P parent) {
      return section.write(accessor.apply(parent));
    }
  }

  @SafeVarargs
  private static <R> Section<R> section(String name, Key<R, ?>... keys) {
    return new Section<>(name, List.of(keys), List.of());
  }

  // --- model ---
  static final Key<ModelConfig, Integer> DEPTH = Key.integer("depth", ModelConfig::depth, 5, 2, 7,
      "resolution levels; the paper has 5");
  static final Key<ModelConfig, Integer> FILTERS = Key.integer("filters", ModelConfig::filters, 64, 1, 1024,
      "channels at the first level, doubled per level");
  static final Key<ModelConfig, Padding> PADDING = Key.choice("padding", ModelConfig::padding, Padding.VALID,
      Padding.class, "`valid` as in the paper (outputs smaller than inputs) or `same`");
  static final Key<ModelConfig, Boolean> BATCH_NORM = Key.bool("batch_norm", ModelConfig::batchNorm, false,
      "batch normalisation after each 3×3 convolution");
  static final Key<ModelConfig, Double> DROPOUT = Key.number("dropout", ModelConfig::dropout, 0.0, 0.0, 1.0, true,
      "drop-out rate at the end of the contracting path, where the paper puts it");
  static final Key<ModelConfig, Integer> CLASSES = Key.integer("classes", ModelConfig::classes, 2, 2, 255,
      "output classes").withDefault(2, "from `data.classes`");
  static final Key<ModelConfig, Integer> CHANNELS = Key.integer("channels", ModelConfig::channels, 1, 1, 3,
      "input channels: grey or RGB").withAllowed("1 or 3");
  public static final Section<ModelConfig> MODEL = section("model", DEPTH, FILTERS, PADDING, BATCH_NORM, DROPOUT,
      CLASSES, CHANNELS);

  // --- data ---
  static final Key<DataConfig, Path> IMAGES = Key.path("images", DataConfig::images, null,
      "image TIFF stack, single slice, or folder of TIFF/PNG slices");
  static final Key<DataConfig, Path> LABELS = Key.path("labels", DataConfig::labels, null,
      "the masks, as the images are given; two folders pair by file name");
  static final Key<DataConfig, List<DataConfig.Pair>> PAIRS = Key.custom("pairs", DataConfig::pairs,
      "list of `{images, labels}`", "—", "instead of `images` and `labels`: several sources, read in order",
      (s, f) -> s.sections("pairs").stream()
          .map(p -> new DataConfig.Pair(p.path("images", null), p.path("labels", null))).toList());
  static final Key<DataConfig, ClassMap> CLASS_MAP = Key.custom("classes", DataConfig::classes,
      "mapping of mask value → class name", "`{0: membrane, 255: cell}`", "the classes' mask values, class 0 first",
      (s, f) -> {
        LinkedHashMap<Integer, String> named = s.namesByNumber("classes", 0, 65535);
        return named == null ? ClassMap.binary()
            : new ClassMap(List.copyOf(named.keySet()), List.copyOf(named.values()));
      });
  static final Key<DataConfig, List<Integer>> VALIDATION_SLICES = Key.custom("validation_slices",
      DataConfig::validationSlices, "list or ranges such as `27-29`", "the last 10 %",
      "slices held out for validation, counted over all sources", (s, f) -> s.indices("validation_slices"));
  public static final Section<DataConfig> DATA = section("data", IMAGES, LABELS, PAIRS, CLASS_MAP, VALIDATION_SLICES);

  // --- tile ---
  static final Key<TileConfig, Integer> TILE_SIZE = Key.integer("size", TileConfig::size, 572, 1, 4096,
      "training input tile edge: a size the network accepts (an error names the nearest ones)")
      .withDefault(572, "572 (or the nearest size the network accepts)");
  public static final Section<TileConfig> TILE = section("tile", TILE_SIZE);

  // --- weights ---
  static final Key<WeightMapConfig, Double> W0 = Key.number("w0", WeightMapConfig::w0, 10.0, 0.0, 1000.0, false,
      "the weight map's border term's height (eq. 2; 0 switches it off)");
  static final Key<WeightMapConfig, Double> SIGMA = Key.number("sigma", WeightMapConfig::sigma, 5.0, 0.1, 100.0, false,
      "its width in pixels");
  static final Key<WeightMapConfig, Boolean> CLASS_BALANCE = Key.bool("class_balance", WeightMapConfig::classBalance,
      true, "`w_c` = inverse class frequency; false: 1");
  static final Key<WeightMapConfig, Boolean> CALIBRATE = Key.bool("calibrate", WeightMapConfig::calibrate, true,
      "divide `w_c` back out of predicted probabilities (see Calibrated probabilities)");
  public static final Section<WeightMapConfig> WEIGHTS = section("weights", W0, SIGMA, CLASS_BALANCE, CALIBRATE);

  // --- augment ---
  static final Key<Elastic, Double> ELASTIC_P = Key.number("probability", Elastic::probability, 1.0, 0.0, 1.0, false,
      "elastic deformation per sample");
  static final Key<Elastic, Elastic.Mode> ELASTIC_MODE = Key.choice("mode", Elastic::mode, Elastic.Mode.GRID,
      Elastic.Mode.class, "`grid`: the paper's Gaussian displacements on a grid, bicubic in between; `smooth`: "
          + "Gaussian-smoothed per-pixel noise, as in common PyTorch ports");
  static final Key<Elastic, Double> ELASTIC_SIGMA = Key.number("sigma", Elastic::sigma, 10.0, 0.0, 100.0, false,
      "grid mode: the displacements' standard deviation (px)");
  static final Key<Elastic, Integer> ELASTIC_GRID = Key.integer("grid", Elastic::grid, 3, 2, 32,
      "grid mode: grid points along each side");
  static final Key<Elastic, Double> ELASTIC_ALPHA = Key.number("alpha", Elastic::alpha, 34.0, 0.0, 1000.0, false,
      "smooth mode: displacement scale (px)");
  static final Key<Elastic, Double> ELASTIC_SMOOTH = Key.number("smooth_sigma", Elastic::smoothSigma, 4.0, 0.5, 100.0,
      false, "smooth mode: smoothing of the noise (px)");
  static final Section<Elastic> ELASTIC = section("elastic", ELASTIC_P, ELASTIC_MODE, ELASTIC_SIGMA, ELASTIC_GRID,
      ELASTIC_ALPHA, ELASTIC_SMOOTH);
  static final Key<AugmentConfig.Flip, Double> FLIP_P = probability(AugmentConfig.Flip::probability, 0.5,
      "horizontal flip");
  static final Section<AugmentConfig.Flip> FLIP = section("flip", FLIP_P);
  static final Key<AugmentConfig.Rotate90, Double> ROTATE90_P = probability(AugmentConfig.Rotate90::probability, 0.5,
      "one, two or three quarter turns");
  static final Section<AugmentConfig.Rotate90> ROTATE90 = section("rotate90", ROTATE90_P);
  static final Key<AugmentConfig.Rotate, Double> ROTATE_P = probability(AugmentConfig.Rotate::probability, 0.0,
      "rotation by a uniform angle");
  static final Key<AugmentConfig.Rotate, Double> MAX_DEGREES = Key.number("max_degrees",
      AugmentConfig.Rotate::maxDegrees, 15.0, 0.0, 180.0, false, "the largest angle either way");
  static final Section<AugmentConfig.Rotate> ROTATE = section("rotate", ROTATE_P, MAX_DEGREES);
  static final Key<AugmentConfig.Shift, Double> SHIFT_P = probability(AugmentConfig.Shift::probability, 0.0,
      "translation");
  static final Key<AugmentConfig.Shift, Double> MAX_PIXELS = Key.number("max_pixels", AugmentConfig.Shift::maxPixels,
      0.0, 0.0, 1000.0, false, "the largest offset along each axis (px)");
  static final Section<AugmentConfig.Shift> SHIFT = section("shift", SHIFT_P, MAX_PIXELS);
  static final Key<AugmentConfig.Intensity, Double> INTENSITY_P = probability(AugmentConfig.Intensity::probability,
      0.0, "`(x − 0.5)·c + 0.5 + b` on the image only");
  static final Key<AugmentConfig.Intensity, Double> BRIGHTNESS = Key.number("brightness",
      AugmentConfig.Intensity::brightness, 0.1, 0.0, 1.0, false, "`b` uniform in ± this");
  static final Key<AugmentConfig.Intensity, Double> CONTRAST = Key.number("contrast",
      AugmentConfig.Intensity::contrast, 0.1, 0.0, 1.0, true, "`c` uniform in 1 ± this");
  static final Section<AugmentConfig.Intensity> INTENSITY = section("intensity", INTENSITY_P, BRIGHTNESS, CONTRAST);
  static final Key<AugmentConfig.Noise, Double> NOISE_P = probability(AugmentConfig.Noise::probability, 0.0,
      "additive Gaussian noise on the image only");
  static final Key<AugmentConfig.Noise, Double> NOISE_SIGMA = Key.number("sigma", AugmentConfig.Noise::sigma, 0.02,
      0.0, 1.0, false, "its standard deviation, in units of the [0, 1] range");
  static final Section<AugmentConfig.Noise> NOISE = section("noise", NOISE_P, NOISE_SIGMA);
  public static final Section<AugmentConfig> AUGMENT = new Section<>("augment", List.of(), List.of(
      new Child<>(ELASTIC, AugmentConfig::elastic), new Child<>(FLIP, AugmentConfig::flip),
      new Child<>(ROTATE90, AugmentConfig::rotate90), new Child<>(ROTATE, AugmentConfig::rotate),
      new Child<>(SHIFT, AugmentConfig::shift), new Child<>(INTENSITY, AugmentConfig::intensity),
      new Child<>(NOISE, AugmentConfig::noise)));

  private static <R> Key<R, Double> probability(Function<R, Double> accessor, double fallback, String description) {
    return Key.number("probability", accessor, fallback, 0.0, 1.0, false, description);
  }

  // --- train ---
  static final int STEPS_DEFAULT = 1000;
  /** 0 only beside {@code epochs}, as resolved configs of epoch-long runs write it. */
  static final Key<TrainConfig, Integer> STEPS = Key.integer("steps", TrainConfig::steps, STEPS_DEFAULT, 0,
      Integer.MAX_VALUE, "length of training; 0 only beside `epochs`");
  static final Key<TrainConfig, Integer> EPOCHS = Key.integer("epochs", TrainConfig::epochs, 0, 0, Integer.MAX_VALUE,
      "length of training in epochs, one tile per training slice each, instead of `steps` (0: steps)");
  static final Key<TrainConfig, Integer> BATCH = Key.integer("batch", TrainConfig::batch, 1, 1, 1024, "tiles per step");
  static final Key<TrainConfig, LossKind> LOSS = Key.choice("loss", TrainConfig::loss, LossKind.CROSS_ENTROPY,
      LossKind.class, "the paper's cross-entropy weighted by the weight map, soft Dice, or their sum");
  static final Key<TrainConfig, Optimizer> OPTIMIZER = Key.choice("optimizer", TrainConfig::optimizer, Optimizer.ADAM,
      Optimizer.class, "Adam, or SGD with momentum as in the paper");
  static final Key<TrainConfig, Double> LEARNING_RATE = Key.number("learning_rate", TrainConfig::learningRate, 1e-3,
      1e-9, 10.0, false, "the step size").withDefault(1e-3, "0.001 (adam), 0.01 (momentum)");
  static final Key<TrainConfig, Double> MOMENTUM = Key.number("momentum", TrainConfig::momentum, 0.99, 0.0, 1.0, true,
      "for `momentum`; the paper's 0.99");
  static final Key<TrainConfig, List<Integer>> LR_DECAY_STEPS = Key.custom("lr_decay_steps",
      TrainConfig::lrDecaySteps, "ascending list of steps ≥ 1", "`[]`", "steps at which the learning rate is "
          + "multiplied by `lr_decay_factor`, e.g. `[5500, 8000]`; for `momentum` (Adam adapts its own step sizes)",
      (s, f) -> s.ascendingIntegers("lr_decay_steps", 1));
  static final Key<TrainConfig, Double> LR_DECAY_FACTOR = Key.number("lr_decay_factor", TrainConfig::lrDecayFactor,
      0.1, 1e-9, 1.0, false, "the factor");
  static final Key<TrainConfig, Long> SEED = Key.longInteger("seed", TrainConfig::seed, 42L,
      "initialisation, sample order, augmentation and drop-out");
  static final Key<TrainConfig, Integer> VALIDATE_EVERY = Key.integer("validate_every", TrainConfig::validateEvery,
      500, 1, Integer.MAX_VALUE, "steps between validations (and at the end)");
  static final Key<TrainConfig, Integer> SUMMARY_EVERY = Key.integer("summary_every", TrainConfig::summaryEvery, 20, 1,
      Integer.MAX_VALUE, "steps between TensorBoard scalars");
  static final Key<TrainConfig, Integer> IMAGE_SUMMARY_EVERY = Key.integer("image_summary_every",
      TrainConfig::imageSummaryEvery, 500, 1, Integer.MAX_VALUE, "steps between TensorBoard sample images");
  static final Key<TrainConfig, Integer> CHECKPOINT_EVERY = Key.integer("checkpoint_every",
      TrainConfig::checkpointEvery, 500, 1, Integer.MAX_VALUE,
      "steps between checkpoints (and at the end, and at each best validation)");
  static final Key<TrainConfig, Integer> KEEP_CHECKPOINTS = Key.integer("keep_checkpoints",
      TrainConfig::keepCheckpoints, 3, 1, 1000, "newest checkpoints kept, besides the best");
  static final Key<TrainConfig, Integer> LOADER_THREADS = Key.integer("loader_threads", TrainConfig::loaderThreads, 2,
      1, 256, "input pipeline: threads drawing augmented samples");
  static final Key<TrainConfig, Integer> PREFETCH = Key.integer("prefetch", TrainConfig::prefetch, 2, 1, 256,
      "input pipeline: batches made ahead");
  static final Key<TrainConfig, Integer> SHUFFLE_BUFFER = Key.integer("shuffle_buffer", TrainConfig::shuffleBuffer, 64,
      1, 1 << 20, "input pipeline: samples shuffled among");
  static final Key<TrainConfig, Double> EMA_DECAY = Key.number("ema_decay", TrainConfig::emaDecay, 0.0, 0.0, 1.0,
      true, "validate, checkpoint and export an exponential moving average of the weights: each step it moves "
          + "`1 − min(ema_decay, (1 + step) / (10 + step))` of the way to them; 0: the last step's weights");
  public static final Section<TrainConfig> TRAIN = section("train", STEPS, EPOCHS, BATCH, LOSS, OPTIMIZER,
      LEARNING_RATE, MOMENTUM, LR_DECAY_STEPS, LR_DECAY_FACTOR, SEED, VALIDATE_EVERY, SUMMARY_EVERY,
      IMAGE_SUMMARY_EVERY, CHECKPOINT_EVERY, KEEP_CHECKPOINTS, LOADER_THREADS, PREFETCH, SHUFFLE_BUFFER, EMA_DECAY);

  // --- output ---
  static final Key<OutputConfig, Path> OUTPUT_DIR = Key.path("dir", OutputConfig::dir, Path.of("runs"),
      "where run folders go");
  static final Key<OutputConfig, String> OUTPUT_NAME = Key.string("name", OutputConfig::name, "{config}-{time}",
      "folder name", "the run folder's name; `{config}` is the config's file name, `{time}` the start time");
  public static final Section<OutputConfig> OUTPUT = section("output", OUTPUT_DIR, OUTPUT_NAME);

  // --- runtime ---
  static final Key<RuntimeConfig, Integer> INTRA_OP = Key.integer("intra_op_threads", RuntimeConfig::intraOpThreads,
      0, 0, 1024, "TensorFlow's threads within an op; 0: one per core");
  static final Key<RuntimeConfig, Integer> INTER_OP = Key.integer("inter_op_threads", RuntimeConfig::interOpThreads,
      0, 0, 1024, "TensorFlow's threads running ops side by side; 0: 2");
  static final Key<RuntimeConfig, String> DEVICE = Key.string("device", RuntimeConfig::device, "auto",
      "`auto`, `cpu` or `gpu:N`", "`auto` takes a GPU where TensorFlow sees one; `gpu:N` insists on GPU N");
  static final Key<RuntimeConfig, Integer> REPLICAS = Key.integer("replicas", RuntimeConfig::replicas, 1, 1, 64,
      "in-graph data parallelism: one tower per device (GPUs from `gpu:N` up, or virtual CPUs), each on "
          + "`batch / replicas` tiles");
  static final Key<RuntimeConfig, Precision> PRECISION = Key.choice("precision", RuntimeConfig::precision,
      Precision.FP32, Precision.class, "`bf16` through oneDNN's rewrite on CPUs with bf16 instructions, or on GPUs; "
          + "`fp16` on GPUs; `auto`: bf16 where the CPU has it and a probe finds it faster, fp32 elsewhere");
  static final Key<RuntimeConfig, Boolean> WINOGRAD = Key.bool("winograd", RuntimeConfig::winograd, true,
      "fp32 training on a CPU runs the widest convolutions by Winograd's algorithm; `false` keeps direct "
          + "convolutions, for results that round exactly as TensorFlow's `Conv2D` does");
  public static final Section<RuntimeConfig> RUNTIME = section("runtime", INTRA_OP, INTER_OP, DEVICE, REPLICAS,
      PRECISION, WINOGRAD);

  /** A run's resolved config as plain maps, every key, defaults included. */
  public static Map<String, Object> write(RunConfig config) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(MODEL.name(), MODEL.write(config.model()));
    out.put(DATA.name(), DATA.write(config.data()));
    out.put(TILE.name(), TILE.write(config.tile()));
    out.put(WEIGHTS.name(), WEIGHTS.write(config.weights()));
    out.put(AUGMENT.name(), AUGMENT.write(config.augment()));
    out.put(TRAIN.name(), TRAIN.write(config.train()));
    out.put(OUTPUT.name(), OUTPUT.write(config.output()));
    out.put(RUNTIME.name(), RUNTIME.write(config.runtime()));
    return out;
  }

  /** The model section alone, as model cards keep it. */
  public static Map<String, Object> write(ModelConfig model) {
    return MODEL.write(model);
  }

  /** The README's config reference: a Markdown table, one row per key. */
  public static String reference() {
    List<String> rows = new ArrayList<>();
    rows.add("| key | values | default | meaning |");
    rows.add("| --- | --- | --- | --- |");
    for (Section<?> section : List.of(MODEL, DATA, TILE, WEIGHTS, AUGMENT, TRAIN, OUTPUT, RUNTIME)) {
      section.rows(section.name() + ".", rows);
    }
    return String.join("\n", rows) + "\n";
  }
}
