package org.unettf.infer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.types.TFloat32;
import org.unettf.config.RuntimeConfig;
import org.unettf.data.OverlapTile;
import org.unettf.error.UserError;
import org.unettf.model.Sessions;
import org.unettf.model.Tensors;

/** A loaded unet-tf SavedModel as a {@link OverlapTile.TileModel}, through its {@code serving_default} signature. */
public final class SavedModelPredictor implements Predictor {
  private final SavedModelBundle bundle;
  private final ModelCard card;
  private final Path path;
  private final String input;
  private final String output;

  private SavedModelPredictor(SavedModelBundle bundle, ModelCard card, Path path, String input, String output) {
    this.bundle = bundle;
    this.card = card;
    this.path = path;
    this.input = input;
    this.output = output;
  }

  /**
   * Loads {@code path}: a SavedModel folder, or a TF Serving base folder, whose highest numbered
   * version is taken.
   */
  public static SavedModelPredictor load(Path path, RuntimeConfig runtime) {
    Path dir = resolveVersion(path);
    if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) {
      throw UserError.model(dir + " has no saved_model.pb: not a SavedModel folder");
    }
    ModelCard card = ModelCard.read(dir);
    SavedModelBundle bundle;
    try {
      bundle = SavedModelBundle.loader(dir.toString()).withTags("serve").withConfigProto(Sessions.config(runtime)).load();
    } catch (TensorFlowException | IllegalArgumentException e) {
      throw UserError.model("cannot load SavedModel " + dir + ": " + Exporter.firstLine(e.getMessage()));
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
    return new SavedModelPredictor(bundle, card, dir, s.getInputs().get("image").name,
        s.getOutputs().get("probabilities").name);
  }

  /** A TF Serving base folder's newest version, or {@code path} itself. */
  static Path resolveVersion(Path path) {
    if (!Files.isDirectory(path)) {
      throw UserError.model(path + " not found: expected a SavedModel folder or an ONNX file");
    }
    if (Files.isRegularFile(path.resolve("saved_model.pb"))) {
      return path;
    }
    try (Stream<Path> list = Files.list(path)) {
      return list.filter(p -> p.getFileName().toString().matches("\\d+") && Files.isDirectory(p))
          .max(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString())))
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
        Result result = bundle.session().runner().feed(input, in).fetch(output).run()) {
      return Tensors.read((TFloat32) result.get(0));
    } catch (TensorFlowException e) {
      if (String.valueOf(e.getMessage()).contains("OOM") || String.valueOf(e.getMessage()).contains("alloc")) {
        throw new UserError(org.unettf.error.ExitCode.MEMORY, "out of memory predicting " + count + " tiles of " + size
            + " px; use a smaller --max-tile or --batch");
      }
      throw e;
    }
  }

  @Override
  public void close() {
    bundle.close();
  }
}
