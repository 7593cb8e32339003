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
    int channels = Schema.CHANNELS.read(s);
    if (channels == 2) {
      throw s.invalid("channels", "1 (grey) or 3 (RGB)", "2");
    }
    return new ModelConfig(Schema.DEPTH.read(s), Schema.FILTERS.read(s), Schema.PADDING.read(s),
        Schema.BATCH_NORM.read(s), Schema.DROPOUT.read(s), Schema.CLASSES.read(s, defaultClasses), channels);
  }

  private static DataConfig data(YamlSection s) {
    List<DataConfig.Pair> pairs = Schema.PAIRS.read(s);
    Path images = null;
    Path labels = null;
    if (pairs.isEmpty()) {
      images = Schema.IMAGES.read(s);
      labels = Schema.LABELS.read(s);
    } else if (s.has("images") || s.has("labels")) {
      throw s.invalid("pairs", "either data.pairs or data.images with data.labels, not both", "both");
    }
    return new DataConfig(images, labels, pairs, Schema.CLASS_MAP.read(s), Schema.VALIDATION_SLICES.read(s));
  }

  private static TileConfig tile(YamlSection s, ModelConfig model) {
    int size = Schema.TILE_SIZE.read(s, model.validInputsNear(572).get(0));
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
    return new WeightMapConfig(Schema.W0.read(s), Schema.SIGMA.read(s), Schema.CLASS_BALANCE.read(s),
        Schema.CALIBRATE.read(s));
  }

  private static AugmentConfig augment(YamlSection s) {
    YamlSection e = s.section("elastic");
    YamlSection r = s.section("rotate");
    YamlSection sh = s.section("shift");
    YamlSection in = s.section("intensity");
    YamlSection n = s.section("noise");
    return new AugmentConfig(
        new Elastic(Schema.ELASTIC_P.read(e), Schema.ELASTIC_MODE.read(e), Schema.ELASTIC_SIGMA.read(e),
            Schema.ELASTIC_GRID.read(e), Schema.ELASTIC_ALPHA.read(e), Schema.ELASTIC_SMOOTH.read(e)),
        new AugmentConfig.Flip(Schema.FLIP_P.read(s.section("flip"))),
        new AugmentConfig.Rotate90(Schema.ROTATE90_P.read(s.section("rotate90"))),
        new AugmentConfig.Rotate(Schema.ROTATE_P.read(r), Schema.MAX_DEGREES.read(r)),
        new AugmentConfig.Shift(Schema.SHIFT_P.read(sh), Schema.MAX_PIXELS.read(sh)),
        new AugmentConfig.Intensity(Schema.INTENSITY_P.read(in), Schema.BRIGHTNESS.read(in), Schema.CONTRAST.read(in)),
        new AugmentConfig.Noise(Schema.NOISE_P.read(n), Schema.NOISE_SIGMA.read(n)));
  }

  private static TrainConfig train(YamlSection s) {
    int epochs = Schema.EPOCHS.read(s);
    int given = Schema.STEPS.read(s, epochs > 0 ? 0 : Schema.STEPS_DEFAULT);
    if (epochs > 0 && given > 0) {
      throw s.invalid("epochs", "either train.steps or train.epochs, not both", "both");
    }
    if (epochs == 0 && given == 0) {
      throw s.invalid("steps", "expected an integer ≥ 1", "0");
    }
    int steps = epochs > 0 ? 0 : given;
    Optimizer optimizer = Schema.OPTIMIZER.read(s);
    double lr = Schema.LEARNING_RATE.read(s, optimizer == Optimizer.ADAM ? 1e-3 : 1e-2);
    List<Integer> decaySteps = Schema.LR_DECAY_STEPS.read(s);
    if (!decaySteps.isEmpty() && optimizer == Optimizer.ADAM) {
      // Adam's framework implementation keeps its rate a graph constant; it adapts step sizes itself.
      throw s.invalid("lr_decay_steps", "expected a schedule only with optimizer momentum", "optimizer adam");
    }
    if (!decaySteps.isEmpty() && steps > 0 && decaySteps.get(decaySteps.size() - 1) >= steps) {
      throw s.invalid("lr_decay_steps", "expected steps below train.steps = " + steps, String.valueOf(decaySteps));
    }
    return new TrainConfig(steps, epochs, Schema.BATCH.read(s), Schema.LOSS.read(s), optimizer, lr,
        Schema.MOMENTUM.read(s), decaySteps, Schema.LR_DECAY_FACTOR.read(s), Schema.SEED.read(s),
        Schema.VALIDATE_EVERY.read(s), Schema.SUMMARY_EVERY.read(s), Schema.IMAGE_SUMMARY_EVERY.read(s),
        Schema.CHECKPOINT_EVERY.read(s), Schema.KEEP_CHECKPOINTS.read(s), Schema.LOADER_THREADS.read(s),
        Schema.PREFETCH.read(s), Schema.SHUFFLE_BUFFER.read(s), Schema.EMA_DECAY.read(s));
  }

  private static OutputConfig output(YamlSection s, String label) {
    Path dir = Schema.OUTPUT_DIR.read(s);
    String stem = Path.of(label).getFileName().toString().replaceFirst("\\.ya?ml$", "");
    String name = Schema.OUTPUT_NAME.read(s).replace("{config}", stem);
    if (name.isEmpty() || name.contains("/") || name.equals("..") || name.equals(".")) {
      throw s.invalid("name", "a plain directory name", "'" + name + "'");
    }
    return new OutputConfig(dir, name);
  }

  private static RuntimeConfig runtime(YamlSection s) {
    String device = Schema.DEVICE.read(s).toLowerCase(Locale.ROOT);
    if (!device.matches("auto|cpu|gpu:\\d+")) {
      throw s.invalid("device", "auto, cpu or gpu:N", "'" + device + "'");
    }
    return new RuntimeConfig(Schema.INTRA_OP.read(s), Schema.INTER_OP.read(s), device, Schema.REPLICAS.read(s),
        Schema.PRECISION.read(s), Schema.WINOGRAD.read(s));
  }
}
