package org.unettf.infer;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.unettf.config.RuntimeConfig;
import org.unettf.error.ExitCode;
import org.unettf.error.Messages;
import org.unettf.error.UserError;

/**
 * An ONNX model unet-tf exported, run by ONNX Runtime on the CPU as a
 * {@link org.unettf.data.OverlapTile.TileModel}. Its card comes from the model's
 * {@code metadata_props}.
 */
public final class OnnxPredictor implements Predictor {
  private static final String INPUT = "image";
  private static final String OUTPUT = "probabilities";

  private final OrtEnvironment environment;
  private final OrtSession session;
  private final ModelCard card;
  private final OnnxExporter.Variant variant;
  private final Path path;

  private OnnxPredictor(OrtEnvironment environment, OrtSession session, ModelCard card, OnnxExporter.Variant variant,
      Path path) {
    this.environment = environment;
    this.session = session;
    this.card = card;
    this.variant = variant;
    this.path = path;
  }

  /** Loads {@code file} for overlap-tile prediction, with ONNX Runtime's intra-op threads from {@code runtime}. */
  public static OnnxPredictor load(Path file, RuntimeConfig runtime) {
    OnnxPredictor model = open(file, runtime);
    if (model.variant != OnnxExporter.Variant.SERVING_DEFAULT) {
      model.close();
      throw UserError.model(file + " is unet-tf's any-size ONNX graph (signature '" + model.variant.signature
          + "', as bioimage.io packages carry), which does not tile; predict with the one export --format onnx writes");
    }
    return model;
  }

  /** Loads {@code file} whichever signature it reproduces. */
  static OnnxPredictor open(Path file, RuntimeConfig runtime) {
    if (runtime.gpu()) {
      throw UserError.config("--device: ONNX models run on the CPU (unet-tf carries ONNX Runtime's CPU build), found '"
          + runtime.device() + "'; use cpu or auto");
    }
    if (runtime.precision() == RuntimeConfig.Precision.BF16 || runtime.precision() == RuntimeConfig.Precision.FP16) {
      throw UserError.config("--precision: ONNX models run in fp32, found " + runtime.precision().name().toLowerCase());
    }
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    OrtSession session;
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(runtime.intraOpThreadsResolved());
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      session = environment.createSession(file.toString(), options);
    } catch (OrtException e) {
      throw UserError.model("cannot load ONNX model " + file + ": " + Messages.firstLine(e.getMessage()));
    }
    try {
      Map<String, String> metadata = session.getMetadata().getCustomMetadata();
      String json = metadata.get(OnnxExporter.CARD);
      if (json == null) {
        throw UserError.model(file + " is an ONNX model that unet-tf did not export (no " + OnnxExporter.CARD
            + " in its metadata_props), so its tiling geometry is unknown");
      }
      ModelCard card = ModelCard.parse(json, file + " (metadata " + OnnxExporter.CARD + ")");
      OnnxExporter.Variant variant = OnnxExporter.Variant.of(metadata.get(OnnxExporter.SIGNATURE));
      if (variant == null || !session.getInputNames().contains(INPUT) || !session.getOutputNames().contains(OUTPUT)) {
        throw UserError.model(file + ": expected input '" + INPUT + "' and output '" + OUTPUT + "' of signature "
            + "serving_default or segment, found inputs " + session.getInputNames() + ", outputs "
            + session.getOutputNames() + ", signature '" + metadata.get(OnnxExporter.SIGNATURE) + "'");
      }
      return new OnnxPredictor(environment, session, card, variant, file);
    } catch (OrtException | RuntimeException e) {
      closeQuietly(session);
      if (e instanceof UserError u) {
        throw u;
      }
      throw UserError.model("cannot read ONNX model " + file + ": " + Messages.firstLine(e.getMessage()));
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

  OnnxExporter.Variant variant() {
    return variant;
  }

  @Override
  public float[] predict(float[] tiles, int count, int size) {
    return run(tiles, count, size, size);
  }

  /** Probabilities for {@code count} images of {@code height×width}, the graph's output as it is. */
  float[] run(float[] images, int count, int height, int width) {
    long[] shape = {count, height, width, card.model().channels()};
    try (OnnxTensor in = OnnxTensor.createTensor(environment, FloatBuffer.wrap(images), shape);
        OrtSession.Result out = session.run(Map.of(INPUT, in), Set.of(OUTPUT))) {
      FloatBuffer values = ((OnnxTensor) out.get(OUTPUT).orElseThrow()).getFloatBuffer();
      float[] probabilities = new float[values.remaining()];
      values.get(probabilities);
      return probabilities;
    } catch (OrtException e) {
      String message = String.valueOf(e.getMessage());
      if (message.contains("bad_alloc") || message.contains("Failed to allocate")) {
        throw new UserError(ExitCode.MEMORY, "out of memory predicting " + count + " tiles of " + height + " px; use "
            + "a smaller --max-tile or --batch");
      }
      throw UserError.model("ONNX Runtime cannot run " + path + " on " + count + "×" + height + "×" + width + ": "
          + Messages.firstLine(message));
    }
  }

  @Override
  public void close() {
    closeQuietly(session);
  }

  private static void closeQuietly(OrtSession session) {
    try {
      session.close();
    } catch (OrtException ignored) {
      // Closing frees native memory; a failure there leaves nothing for the caller to do.
    }
  }
}
