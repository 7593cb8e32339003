package org.unettf.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.unettf.config.ConfigLoader;
import org.unettf.config.RunConfig;
import org.unettf.config.RuntimeConfig;
import org.unettf.error.UserError;
import org.unettf.infer.bench.Benchmark;
import org.unettf.io.AtomicFiles;
import org.unettf.io.OutputSet;
import org.unettf.train.RunInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Measure training and inference speed of a config's network against the machine's matmul rate.")
final class BenchCommand implements Callable<Integer> {
  @ParentCommand
  Main main;

  @Parameters(index = "0", paramLabel = "CONFIG", description = "The config whose network, tile and data to measure.")
  Path config;

  @Option(names = "--steps", defaultValue = "5", description = "Timed training steps per measurement (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--slices", defaultValue = "2", description = "Validation slices to time inference on (default: ${DEFAULT-VALUE}).")
  int slices;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
  Path json;

  @Option(names = "--threads", paramLabel = "N", description = "Override runtime.intra_op_threads.")
  Integer threads;

  @Option(names = "--precision", paramLabel = "P", description = "Override runtime.precision: fp32, bf16 or fp16.")
  RuntimeConfig.Precision precision;

  @Override
  public Integer call() {
    if (steps < 1) {
      throw UserError.config("--steps: expected a number of timed steps ≥ 1, found " + steps);
    }
    if (slices < 1) {
      throw UserError.config("--slices: expected a number of slices ≥ 1, found " + slices);
    }
    if (threads != null && threads < 1) {
      throw UserError.config("--threads: expected a number ≥ 1, found " + threads);
    }
    if (json != null) {
      OutputSet.checkWritable(json, "--json");
    }
    RunConfig cfg = withOverrides(ConfigLoader.load(config));
    Benchmark.Report report = new Benchmark(steps, slices, main.out::println).run(cfg, config.toString());
    if (json != null) {
      AtomicFiles.writeString(json, RunInfo.gson().toJson(report.toMap()) + "\n");
      main.out.println("wrote " + json);
    }
    return 0;
  }

  private RunConfig withOverrides(RunConfig cfg) {
    RuntimeConfig r = cfg.runtime();
    RuntimeConfig runtime = new RuntimeConfig(threads != null ? threads : r.intraOpThreads(), r.interOpThreads(),
        r.device(), r.replicas(), precision != null ? precision : r.precision(), r.winograd());
    return new RunConfig(cfg.model(), cfg.data(), cfg.tile(), cfg.weights(), cfg.augment(), cfg.train(), cfg.output(),
        runtime);
  }
}
