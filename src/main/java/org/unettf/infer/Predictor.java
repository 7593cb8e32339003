package org.unettf.infer;

import java.nio.file.Files;
import java.nio.file.Path;
import org.unettf.config.RuntimeConfig;
import org.unettf.data.OverlapTile;

/** An exported model loaded for prediction, with the card that says how to tile for it. */
public interface Predictor extends OverlapTile.TileModel, AutoCloseable {
  ModelCard card();

  /** What was loaded: the SavedModel version folder or the ONNX file. */
  Path path();

  @Override
  void close();

  /**
   * An ONNX file through ONNX Runtime, or a SavedModel folder (or TF Serving base folder, whose
   * newest version is taken) through TensorFlow.
   */
  static Predictor load(Path path, RuntimeConfig runtime) {
    return Files.isRegularFile(path) ? OnnxPredictor.load(path, runtime) : SavedModelPredictor.load(path, runtime);
  }

  /** What {@link #load} would load: the ONNX file, or the SavedModel version folder. */
  static Path resolve(Path path) {
    return Files.isRegularFile(path) ? path : SavedModelPredictor.resolveVersion(path);
  }
}
