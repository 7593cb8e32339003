package org.unettf.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.unettf.config.Architecture;
import org.unettf.config.Architecture.Kind;
import org.unettf.config.ModelConfig;
import org.unettf.error.ExitCode;
import org.unettf.error.UserError;

/**
 * Estimates the host memory a training step or a forward pass needs, so that a tile or batch too
 * large is refused with advice instead of ending in the kernel's out-of-memory killer.
 */
public final class Memory {
  /** Training keeps every activation for the backward pass, plus its gradient and workspace. */
  static final double TRAINING_FACTOR = 3.0;

  private Memory() {}

  /**
   * Bytes of the feature maps one forward pass over {@code batch} tiles keeps for the backward
   * pass: every 3×3 convolution's output, and each up-convolution's with its concatenation.
   */
  public static double activationBytes(ModelConfig spec, int input, int batch) {
    double elements = Architecture.of(spec, input).orElseThrow().layers().stream()
        .filter(l -> l.kind() == Kind.CONV3 || l.kind() == Kind.UP_CONV || l.kind() == Kind.CONCAT)
        .mapToDouble(Architecture.Layer::outputElements).sum();
    return 4.0 * elements * batch;
  }

  public static double trainingBytes(ModelConfig spec, int input, int batch) {
    // Weights, gradients and up to two optimizer slots.
    return TRAINING_FACTOR * activationBytes(spec, input, batch) + 4.0 * 4 * spec.parameterCount();
  }

  /** MemAvailable of /proc/meminfo, or the JVM's view where there is none. */
  public static double availableBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemAvailable:")) {
          return Double.parseDouble(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // Not Linux: fall through.
    }
    return Runtime.getRuntime().maxMemory();
  }

  /**
   * Refuses a training configuration whose estimated need exceeds the available memory, naming
   * the largest tile that fits.
   */
  public static void checkTraining(ModelConfig spec, int tile, int batch, String device, double available) {
    if (device.startsWith("gpu")) {
      return;
    }
    double need = trainingBytes(spec, tile, batch);
    if (need <= available) {
      return;
    }
    int fitting = -1;
    for (int s = spec.smallestInput(); s < tile; s += 1) {
      if (spec.acceptsInput(s) && trainingBytes(spec, s, batch) <= available) {
        fitting = s;
      }
    }
    throw new UserError(ExitCode.MEMORY, String.format(
        "tile.size %d with train.batch %d needs about %.1f GB for a training step, but %.1f GB are available; %s",
        tile, batch, need / 1e9, available / 1e9,
        fitting > 0 ? "use tile.size " + fitting + " or less, or a smaller batch" : "use a smaller network or batch"));
  }
}
