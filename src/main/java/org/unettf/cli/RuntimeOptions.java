package org.unettf.cli;

import org.unettf.config.RuntimeConfig;
import org.unettf.error.UserError;
import picocli.CommandLine.Option;

/** Threads and device, for the commands that run a model without a config file. */
final class RuntimeOptions {
  @Option(names = "--threads", description = "TensorFlow intra-op threads (default: one per core).")
  int threads;

  @Option(names = "--device", description = "auto, cpu or gpu:N (default: ${DEFAULT-VALUE}).", defaultValue = "auto")
  String device;

  RuntimeConfig runtime() {
    if (!device.matches("auto|cpu|gpu:\\d+")) {
      throw UserError.config("--device: expected auto, cpu or gpu:N, found '" + device + "'");
    }
    if (threads < 0) {
      throw UserError.config("--threads: expected a number ≥ 0, found " + threads);
    }
    return new RuntimeConfig(threads, 0, device);
  }
}
