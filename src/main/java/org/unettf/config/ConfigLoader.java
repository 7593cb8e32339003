package org.unettf.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.unettf.config.AugmentConfig.Elastic;
import org.unettf.config.ModelConfig.Padding;
import org.unettf.config.TrainConfig.Optimizer;
import org.unettf.error.UserError;

/**
 * Reads a YAML config into validated records, once: after {@link #load} nothing downstream checks
 * a config value again. Every key has a default but the data paths; the README's config reference
 * lists them.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  public static RunConfig load(Path file) {
    return parse(read(file), file.toString());
  }

  /** A config file's text, which must be UTF-8. */
  static String read(Path file) {
    byte[] bytes;
    try {
      if (Files.isDirectory(file)) {
        throw UserError.config(file + ": expected a YAML config file, found a folder");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw UserError.config(file + ": config file not found");
    } catch (IOException e) {
      throw UserError.config(file + ": cannot read config file (" + e.getMessage() + ")");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer text = CharBuffer.allocate(bytes.length);
    CoderResult result = StandardCharsets.UTF_8.newDecoder().decode(in, text, true);
    if (result.isError()) {
      // The decoder stops at the first byte that is not UTF-8.
      throw UserError.config(String.format("%s: expected a YAML config as UTF-8 text, found byte 0x%02x at offset %d, "
          + "which UTF-8 text cannot hold (a binary file, or text in another encoding)", file, bytes[in.position()] & 0xff,
          in.position()));
    }
    return text.flip().toString();
  }

  public static RunConfig parse(String text, String label) {
    YamlSection root = new YamlSection(label, "", compose(text, label));
    // Sections are checked for duplicate keys as they are opened: model first, as the file reads.
    YamlSection modelSection = root.section("model");
    DataConfig data = data(root.section("data"));
    ModelConfig model = model(modelSection, data.classes().size());
    if (model.classes() != data.classes().size()) {
      throw modelSection.invalid("classes", "the number of classes data.classes names (" + data.classes().size() + ")",
          String.valueOf(model.classes()));
    }
    TileConfig tile = tile(root.section("tile"), model);
    WeightMapConfig weights = weights(root.section("weights"));
    AugmentConfig augment = augment(root.section("augment"));
    TrainConfig train = train(root.section("train"));
    OutputConfig output = output(root.section("output"), label);
    YamlSection runtimeSection = root.section("runtime");
    RuntimeConfig runtime = runtime(runtimeSection);
    if (train.batch() % runtime.replicas() != 0) {
      throw runtimeSection.invalid("replicas", "a number of replicas that divides train.batch (" + train.batch() + ")",
          String.valueOf(runtime.replicas()));
    }
    root.finish();
    return new RunConfig(model, data, tile, weights, augment, train, output, runtime);
  }

  /** Just a {@code model:} section, as model cards store it. */
  public static ModelConfig parseModel(String text, String label) {
    YamlSection root = new YamlSection(label, "", compose(text, label));
    ModelConfig model = model(root.section("model"));
    root.finish();
    return model;
  }

  private static Node compose(String text, String label) {
    if (text.isBlank()) {
      throw UserError.config(label + ": the config file is empty");
    }
    try {
      LoadSettings settings = LoadSettings.builder().setLabel(label).build();
      Optional<Node> node = new Compose(settings).composeString(text);
      return node.orElseThrow(() -> UserError.config(label + ": the config file is empty"));
    } catch (MarkedYamlEngineException e) {
      Optional<Mark> mark = e.getProblemMark();
      String where = mark.map(m -> label + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1) + ": ")
          .orElse(label + ": ");
      String problem = e.getProblem() == null ? "invalid YAML" : e.getProblem().trim();
      if (problem.contains("\\t") || problem.contains("TAB") || problem.contains("\t")) {
        throw UserError.config(where + "YAML does not allow tab characters for indentation; use spaces");
      }
      throw UserError.config(where + "invalid YAML: " + problem.replace('\n', ' '));
    } catch (YamlEngineException e) {
      throw UserError.config(label + ": invalid YAML: " + e.getMessage().replace('\n', ' '));
    } catch (StackOverflowError e) {
      // The YAML parser recurses once per nesting level; a config is a few levels deep.
      throw UserError.config(label + ": expected a config a few levels deep, found YAML nested too deeply to read "
          + "(thousands of levels of [ or {)");
    }
  }

  private static ModelConfig model(YamlSection s) {
    return model(s, 2);
  }

  private static ModelConfig model(YamlSection s, int defaultClasses) {
    int depth = s.integer("depth", 5, 2, 7);
    int filters = s.integer("filters", 64, 1, 1024);
    Padding padding = s.choice("padding", Padding.VALID, Padding.class);
    boolean batchNorm = s.bool("batch_norm", false);
    double dropout = s.number("dropout", 0.0, 0.0, 1.0, true);
    int classes = s.integer("classes", defaultClasses, 2, 255);
    int channels = s.integer("channels", 1, 1, 3);
    if (channels == 2) {
      throw s.invalid("channels", "1 (grey) or 3 (RGB)", "2");
    }
    return new ModelConfig(depth, filters, padding, batchNorm, dropout, classes, channels);
  }

  private static DataConfig data(YamlSection s) {
    List<DataConfig.Pair> pairs = new java.util.ArrayList<>();
    for (YamlSection pair : s.sections("pairs")) {
      pairs.add(new DataConfig.Pair(pair.path("images", null), pair.path("labels", null)));
    }
    Path images = null;
    Path labels = null;
    if (pairs.isEmpty()) {
      images = s.path("images", null);
      labels = s.path("labels", null);
    } else if (s.has("images") || s.has("labels")) {
      throw s.invalid("pairs", "either data.pairs or data.images with data.labels, not both", "both");
    }
    java.util.LinkedHashMap<Integer, String> named = s.namesByNumber("classes", 0, 65535);
    ClassMap classes = named == null ? ClassMap.binary()
        : new ClassMap(List.copyOf(named.keySet()), List.copyOf(named.values()));
    List<Integer> validation = s.indices("validation_slices");
    return new DataConfig(images, labels, List.copyOf(pairs), classes, validation);
  }

  private static TileConfig tile(YamlSection s, ModelConfig model) {
    int fallback = model.validInputsNear(572).get(0);
    int size = s.integer("size", fallback, 1, 4096);
    if (!model.acceptsInput(size)) {
      String network = model.padding() == Padding.VALID
          ? "the valid-convolution network of depth " + model.depth()
          : "the same-padding network of depth " + model.depth() + " (multiples of " + model.alignment() + ")";
      List<Integer> near = model.validInputsNear(size);
      throw s.invalid("size", "a size that " + network + " accepts (nearest valid sizes: "
          + String.join(", ", near.stream().map(String::valueOf).toList()) + ")", String.valueOf(size));
    }
    return new TileConfig(size);
  }

  private static WeightMapConfig weights(YamlSection s) {
    double w0 = s.number("w0", 10.0, 0.0, 1000.0, false);
    double sigma = s.number("sigma", 5.0, 0.1, 100.0, false);
    boolean balance = s.bool("class_balance", true);
    boolean calibrate = s.bool("calibrate", true);
    return new WeightMapConfig(w0, sigma, balance, calibrate);
  }

  private static AugmentConfig augment(YamlSection s) {
    YamlSection e = s.section("elastic");
    Elastic elastic = new Elastic(
        probability(e, 1.0),
        e.choice("mode", Elastic.Mode.GRID, Elastic.Mode.class),
        e.number("sigma", 10.0, 0.0, 100.0, false),
        e.integer("grid", 3, 2, 32),
        e.number("alpha", 34.0, 0.0, 1000.0, false),
        e.number("smooth_sigma", 4.0, 0.5, 100.0, false));
    YamlSection r = s.section("rotate");
    YamlSection sh = s.section("shift");
    YamlSection in = s.section("intensity");
    YamlSection n = s.section("noise");
    return new AugmentConfig(
        elastic,
        new AugmentConfig.Flip(probability(s.section("flip"), 0.5)),
        new AugmentConfig.Rotate90(probability(s.section("rotate90"), 0.5)),
        new AugmentConfig.Rotate(probability(r, 0.0), r.number("max_degrees", 15.0, 0.0, 180.0, false)),
        new AugmentConfig.Shift(probability(sh, 0.0), sh.number("max_pixels", 0.0, 0.0, 1000.0, false)),
        new AugmentConfig.Intensity(
            probability(in, 0.0),
            in.number("brightness", 0.1, 0.0, 1.0, false),
            in.number("contrast", 0.1, 0.0, 1.0, true)),
        new AugmentConfig.Noise(probability(n, 0.0), n.number("sigma", 0.02, 0.0, 1.0, false)));
  }

  private static double probability(YamlSection s, double fallback) {
    return s.number("probability", fallback, 0.0, 1.0, false);
  }

  private static TrainConfig train(YamlSection s) {
    int epochs = s.integer("epochs", 0, 0, Integer.MAX_VALUE);
    if (epochs > 0 && s.has("steps") && s.integer("steps", 0, 0, Integer.MAX_VALUE) > 0) {
      throw s.invalid("epochs", "either train.steps or train.epochs, not both", "both");
    }
    int steps = epochs > 0 ? 0 : s.integer("steps", 1000, 1, Integer.MAX_VALUE);
    int batch = s.integer("batch", 1, 1, 1024);
    TrainConfig.LossKind loss = s.choice("loss", TrainConfig.LossKind.CROSS_ENTROPY, TrainConfig.LossKind.class);
    Optimizer optimizer = s.choice("optimizer", Optimizer.ADAM, Optimizer.class);
    double lr = s.number("learning_rate", optimizer == Optimizer.ADAM ? 1e-3 : 1e-2, 1e-9, 10.0, false);
    double momentum = s.number("momentum", 0.99, 0.0, 1.0, true);
    List<Integer> decaySteps = s.ascendingIntegers("lr_decay_steps", 1);
    double decayFactor = s.number("lr_decay_factor", 0.1, 1e-9, 1.0, false);
    if (!decaySteps.isEmpty() && optimizer == Optimizer.ADAM) {
      // Adam's framework implementation keeps its rate a graph constant; it adapts step sizes itself.
      throw s.invalid("lr_decay_steps", "expected a schedule only with optimizer momentum", "optimizer adam");
    }
    long seed = s.longValue("seed", 42L);
    int validateEvery = s.integer("validate_every", 500, 1, Integer.MAX_VALUE);
    int summaryEvery = s.integer("summary_every", 20, 1, Integer.MAX_VALUE);
    int imageEvery = s.integer("image_summary_every", 500, 1, Integer.MAX_VALUE);
    int checkpointEvery = s.integer("checkpoint_every", 500, 1, Integer.MAX_VALUE);
    int keep = s.integer("keep_checkpoints", 3, 1, 1000);
    int threads = s.integer("loader_threads", 2, 1, 256);
    int prefetch = s.integer("prefetch", 2, 1, 256);
    int shuffle = s.integer("shuffle_buffer", 64, 1, 1 << 20);
    if (!decaySteps.isEmpty() && steps > 0 && decaySteps.get(decaySteps.size() - 1) >= steps) {
      throw s.invalid("lr_decay_steps", "expected steps below train.steps = " + steps, String.valueOf(decaySteps));
    }
    return new TrainConfig(steps, epochs, batch, loss, optimizer, lr, momentum, decaySteps, decayFactor, seed,
        validateEvery,
        summaryEvery, imageEvery, checkpointEvery, keep, threads, prefetch, shuffle);
  }

  private static OutputConfig output(YamlSection s, String label) {
    Path dir = s.path("dir", Path.of("runs"));
    String stem = Path.of(label).getFileName().toString().replaceFirst("\\.ya?ml$", "");
    String name = s.string("name", "{config}-{time}").replace("{config}", stem);
    if (name.isEmpty() || name.contains("/") || name.equals("..") || name.equals(".")) {
      throw s.invalid("name", "a plain directory name", "'" + name + "'");
    }
    return new OutputConfig(dir, name);
  }

  private static RuntimeConfig runtime(YamlSection s) {
    int intra = s.integer("intra_op_threads", 0, 0, 1024);
    int inter = s.integer("inter_op_threads", 0, 0, 1024);
    String device = s.string("device", "auto").toLowerCase(Locale.ROOT);
    if (!device.matches("auto|cpu|gpu:\\d+")) {
      throw s.invalid("device", "auto, cpu or gpu:N", "'" + device + "'");
    }
    int replicas = s.integer("replicas", 1, 1, 64);
    RuntimeConfig.Precision precision = s.choice("precision", RuntimeConfig.Precision.FP32, RuntimeConfig.Precision.class);
    return new RuntimeConfig(intra, inter, device, replicas, precision, s.bool("winograd", true));
  }
}
