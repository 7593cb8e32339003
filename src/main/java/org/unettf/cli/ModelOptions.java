package org.unettf.cli;

import java.nio.file.Path;
import org.unettf.config.RuntimeConfig;
import org.unettf.data.OverlapTile;
import org.unettf.error.UserError;
import picocli.CommandLine.Option;

/** The options of the commands that run a model over slices: which model, how to tile, where to run. */
final class ModelOptions {
  @Option(names = "--model", paramLabel = "PATH",
      description = "SavedModel folder, TF Serving base folder, or .onnx file from export --format onnx, run by ONNX "
          + "Runtime on the CPU (default: the bundled savedmodel/isbi2012).")
  Path model;

  @Option(names = "--tta", defaultValue = "1",
      description = "Test-time augmentation: 1, 2, 4 or 8 flips/rotations, or a list such as 0,1,2,3 (default: ${DEFAULT-VALUE}).")
  String tta;

  @Option(names = "--max-tile", defaultValue = "1024", description = "Largest input tile edge in pixels (default: ${DEFAULT-VALUE}).")
  int maxTile;

  @Option(names = "--batch", defaultValue = "1", description = "Tiles per batch (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--threads", description = "TensorFlow's (or ONNX Runtime's) intra-op threads (default: one per core).")
  int threads;

  @Option(names = "--device", description = "auto, cpu or gpu:N (default: ${DEFAULT-VALUE}).", defaultValue = "auto")
  String device;

  @Option(names = "--precision", defaultValue = "fp32",
      description = "fp32, bf16, fp16, or auto (bf16 on a CPU with AMX); default: ${DEFAULT-VALUE}.")
  RuntimeConfig.Precision precision;

  Path modelPath() {
    return Models.modelOrBundled(model);
  }

  int[] transforms() {
    return Models.transforms(tta);
  }

  OverlapTile.Plan plan() {
    if (batch < 1 || maxTile < 1) {
      throw UserError.config("--batch and --max-tile must be ≥ 1, found " + batch + " and " + maxTile);
    }
    return new OverlapTile.Plan(maxTile, batch);
  }

  RuntimeConfig runtime() {
    if (!device.matches("auto|cpu|gpu:\\d+")) {
      throw UserError.config("--device: expected auto, cpu or gpu:N, found '" + device + "'");
    }
    if (threads < 0) {
      throw UserError.config("--threads: expected a number ≥ 0, found " + threads);
    }
    return new RuntimeConfig(threads, 0, device, 1, precision, true);
  }
}
