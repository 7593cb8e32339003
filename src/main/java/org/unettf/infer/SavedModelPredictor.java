package org.unettf.infer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.unettf.config.ModelConfig;
import org.unettf.config.RuntimeConfig;
import org.unettf.data.OverlapTile;
import org.unettf.error.ExitCode;
import org.unettf.error.Messages;
import org.unettf.error.UserError;
import org.unettf.model.Sessions;
import org.unettf.model.Tensors;
import org.unettf.model.Tuning;

/**
 * A loaded unet-tf SavedModel as a {@link OverlapTile.TileModel}, through its {@code serving_default}
 * signature. {@link #predict} may be called from several threads at once: TensorFlow runs one
 * session concurrently, and each call feeds and fetches its own tensors.
 */
public final class SavedModelPredictor implements Predictor {
  private final AutoCloseable resources;
  private final Session session;
  private final ModelCard card;
  private final Path path;
  private final String input;
  private final String output;
  private final boolean rebuilt;

  private SavedModelPredictor(AutoCloseable resources, Session session, ModelCard card, Path path, String input,
      String output, boolean rebuilt) {
    this.resources = resources;
    this.session = session;
    this.card = card;
    this.path = path;
    this.input = input;
    this.output = output;
    this.rebuilt = rebuilt;
  }

  /**
   * Loads {@code path}: a SavedModel folder, or a TF Serving base folder, whose highest numbered
   * version is taken. Exports hold the paper's plain graph, which every runtime runs; here the same
   * network is built in the form this runtime runs fastest ({@link Tuning#of}) and its variables
   * restored from the SavedModel's, so the export stays portable and the CPU pays nothing for it.
   */
  public static SavedModelPredictor load(Path path, RuntimeConfig runtime) {
    return load(path, runtime, true);
  }

  /** The SavedModel's own graph as exported, for measuring it against the rebuilt one. */
  public static SavedModelPredictor asExported(Path path, RuntimeConfig runtime) {
    return load(path, runtime, false);
  }

  private static SavedModelPredictor load(Path path, RuntimeConfig runtime, boolean rebuild) {
    Path dir = resolveVersion(path);
    if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) {
      throw UserError.model(dir + " has no saved_model.pb: not a SavedModel folder");
    }
    ModelCard card = ModelCard.read(dir);
    SavedModelBundle bundle;
    try {
      bundle = SavedModelBundle.loader(dir.toString()).withTags("serve").withConfigProto(Sessions.config(runtime)).load();
    } catch (TensorFlowException | IllegalArgumentException e) {
      throw UserError.model("cannot load SavedModel " + dir + ": " + Messages.firstLine(e.getMessage()));
    }
    Optional<Signature> serving = bundle.signatures().stream()
        .filter(s -> s.key().equals(Signature.DEFAULT_KEY)).findFirst();
    if (serving.isEmpty() || !serving.get().getInputs().containsKey("image")
        || !serving.get().getOutputs().containsKey("probabilities")) {
      bundle.close();
      throw UserError.model(dir + " has no serving_default signature taking 'image' and giving 'probabilities' "
          + "(signatures: " + bundle.signatures().stream().map(Signature::key).toList() + ")");
    }
    Signature s = serving.get();
    try {
      checkAgainstCard(dir, card, s.getInputs().get("image").shape, s.getOutputs().get("probabilities").shape);
    } catch (UserError e) {
      bundle.close();
      throw e;
    }
    // Rebuilt even where the tuning is plain: a bioimage.io package's SavedModel serves its any-size
    // head as serving_default, which overlap-tiling cannot paste, while the rebuilt graph's is the tiling head.
    Optional<SavedModelPredictor> rebuilt = rebuild ? rebuilt(card, dir, runtime, Tuning.of(runtime)) : Optional.empty();
    if (rebuilt.isPresent()) {
      bundle.close();
      return rebuilt.get();
    }
    return new SavedModelPredictor(bundle, bundle.session(), card, dir, s.getInputs().get("image").name,
        s.getOutputs().get("probabilities").name, false);
  }

  /** The network built with {@code tuning} and the SavedModel's variables, or empty where they do not fit it. */
  private static Optional<SavedModelPredictor> rebuilt(ModelCard card, Path dir, RuntimeConfig runtime, Tuning tuning) {
    InferenceGraph inference = new InferenceGraph(card, false, tuning);
    Session session = new Session(inference.graph, Sessions.config(runtime));
    try {
      session.restore(dir.resolve("variables").resolve("variables").toString());
    } catch (TensorFlowException | IllegalArgumentException e) {
      // Not the variables this version of unet-tf names: the SavedModel's own graph will serve.
      session.close();
      inference.graph.close();
      return Optional.empty();
    }
    Signature serving = inference.signatures.get(0);
    AutoCloseable resources = () -> {
      session.close();
      inference.graph.close();
    };
    return Optional.of(new SavedModelPredictor(resources, session, card, dir,
        serving.getInputs().get("image").name, serving.getOutputs().get("probabilities").name, true));
  }

  /** Whether this runs the network rebuilt for this runtime rather than the SavedModel's own graph. */
  public boolean rebuilt() {
    return rebuilt;
  }

  /**
   * The card is what tiling trusts, so a graph that disagrees with it (a card copied from another
   * model, say) is refused here rather than failing mid-volume on a misread tensor.
   */
  static void checkAgainstCard(Path dir, ModelCard card, Shape image, Shape probabilities) {
    ModelConfig spec = card.model();
    long edge = card.fixedTile() > 0 ? card.fixedTile() : Shape.UNKNOWN_SIZE;
    Shape expectedImage = Shape.of(Shape.UNKNOWN_SIZE, edge, edge, spec.channels());
    Shape expectedOutput = Shape.of(Shape.UNKNOWN_SIZE, Shape.UNKNOWN_SIZE, Shape.UNKNOWN_SIZE, spec.classes());
    if (!fits(image, expectedImage) || !fits(probabilities, expectedOutput)) {
      throw UserError.model(dir + ": its " + ModelCard.FILE + " describes a model taking image " + text(expectedImage)
          + " and giving probabilities " + text(expectedOutput) + ", but its serving_default signature takes "
          + text(image) + " and gives " + text(probabilities) + "; the card belongs to another model");
    }
  }

  /** Whether {@code found} has {@code expected}'s rank and agrees with it where both are known. */
  private static boolean fits(Shape found, Shape expected) {
    if (found.isUnknown() || found.numDimensions() != expected.numDimensions()) {
      return false;
    }
    for (int i = 0; i < expected.numDimensions(); i++) {
      long a = found.size(i);
      long b = expected.size(i);
      if (a != Shape.UNKNOWN_SIZE && b != Shape.UNKNOWN_SIZE && a != b) {
        return false;
      }
    }
    return true;
  }

  private static String text(Shape shape) {
    if (shape.isUnknown()) {
      return "[unknown rank]";
    }
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < shape.numDimensions(); i++) {
      out.append(i == 0 ? "" : ", ").append(shape.size(i) == Shape.UNKNOWN_SIZE ? "?" : String.valueOf(shape.size(i)));
    }
    return out.append(']').toString();
  }

  /** A TF Serving base folder's newest version, or {@code path} itself. */
  public static Path resolveVersion(Path path) {
    if (!Files.isDirectory(path)) {
      throw UserError.model(path + " not found: expected a SavedModel folder or an ONNX file");
    }
    if (Files.isRegularFile(path.resolve("saved_model.pb"))) {
      return path;
    }
    try (Stream<Path> list = Files.list(path)) {
      return list.filter(Files::isDirectory)
          .filter(p -> Exporter.version(p).isPresent())
          .max(Comparator.comparingLong(p -> Exporter.version(p).getAsLong()))
          .orElse(path);
    } catch (IOException e) {
      return path;
    }
  }

  @Override
  public ModelCard card() {
    return card;
  }

  @Override
  public Path path() {
    return path;
  }

  @Override
  public float[] predict(float[] tiles, int count, int size) {
    try (TFloat32 in = Tensors.floats(tiles, count, size, size, card.model().channels());
        Result result = session.runner().feed(input, in).fetch(output).run()) {
      return Tensors.read((TFloat32) result.get(0));
    } catch (TensorFlowException e) {
      if (String.valueOf(e.getMessage()).contains("OOM") || String.valueOf(e.getMessage()).contains("alloc")) {
        throw new UserError(ExitCode.MEMORY, "out of memory predicting " + count + " tiles of " + size
            + " px; use a smaller --max-tile or --batch");
      }
      throw e;
    }
  }

  @Override
  public void close() {
    try {
      resources.close();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
