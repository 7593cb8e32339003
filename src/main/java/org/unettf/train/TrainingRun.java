package org.unettf.train;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.unettf.config.ConfigLoader;
import org.unettf.config.ConfigWriter;
import org.unettf.config.OutputConfig;
import org.unettf.config.RunConfig;
import org.unettf.config.Schema;
import org.unettf.data.Slice;
import org.unettf.data.TrainingSet;
import org.unettf.error.UserError;
import org.unettf.io.AtomicFiles;
import org.unettf.io.Pictures;
import org.unettf.io.StackWriter;
import org.unettf.metrics.Reports;
import org.unettf.model.Flops;
import org.unettf.model.Memory;
import org.unettf.model.Precisions;
import org.unettf.model.Sessions;

/**
 * {@code train}: a new run folder from a config, or an existing run resumed, trained to its last
 * step, its models exported (by the stage after this one, through {@link Export}) and its last
 * validation written to {@code metrics.json}.
 */
public final class TrainingRun {
  /** A new run from {@code config}, or the run in {@code resume} (checked against {@code config} if given). */
  public record Request(Path config, Path resume, boolean overwrite) {}

  /** Exports a finished run's models and says what it wrote, a line each. */
  @FunctionalInterface
  public interface Export {
    List<String> models(RunConfig config, RunDirectory run, Trainer.Outcome outcome);
  }

  public record Result(RunDirectory run, Trainer.Outcome outcome) {}

  private final PrintStream out;
  private final boolean terminal;
  private final StopRequest stop;
  private final Export export;

  public TrainingRun(PrintStream out, boolean terminal, StopRequest stop, Export export) {
    this.out = out;
    this.terminal = terminal;
    this.stop = stop;
    this.export = export;
  }

  public Result run(Request request) {
    if (request.config() == null && request.resume() == null) {
      throw UserError.config("train needs a CONFIG file, or --resume RUN (see train --help)");
    }
    RunDirectory run = null;
    RunConfig cfg;
    Optional<Path> checkpoint = Optional.empty();
    if (request.resume() != null) {
      run = RunDirectory.open(request.resume());
      cfg = ConfigLoader.load(run.config());
      if (request.config() != null) {
        checkResumable(ConfigLoader.load(request.config()), cfg);
      }
      checkpoint = new Checkpoints(run.checkpoints(), cfg.train().keepCheckpoints()).latest();
    } else {
      cfg = ConfigLoader.load(request.config());
    }
    return train(cfg, run, checkpoint, request.overwrite());
  }

  /** A new run of {@code cfg}. */
  public Result run(RunConfig cfg, boolean overwrite) {
    return train(cfg, null, Optional.empty(), overwrite);
  }

  private Result train(RunConfig cfg, RunDirectory existing, Optional<Path> checkpoint, boolean overwrite) {
    RunDirectory run = existing;
    Sessions.checkDevice(cfg.runtime());
    Memory.checkTraining(cfg.model(), cfg.tile().size(), cfg.train().batch(), cfg.runtime().device(),
        Memory.availableBytes());
    List<String> notices = new ArrayList<>();
    TrainingSet data = TrainingSet.load(cfg, run == null ? null : run.weightMaps(), notices::add);
    if (run == null) {
      Path root = cfg.output().runDirectory(LocalDateTime.now());
      RunConfig resolved = new RunConfig(cfg.model(), cfg.data(), cfg.tile(), cfg.weights(), cfg.augment(), cfg.train(),
          new OutputConfig(cfg.output().dir(), root.getFileName().toString()), cfg.runtime());
      run = RunDirectory.create(root, overwrite, staged -> writeRunFiles(staged, resolved, data));
      cfg = resolved;
    }
    notices.forEach(out::println);
    describe(cfg, data, run);

    Trainer.Outcome outcome = new Trainer(cfg, data, run, out, terminal, stop).train(checkpoint);
    if (outcome.status() == Trainer.Status.COMPLETED) {
      if (outcome.stepsRun() == 0) {
        out.println("the run is complete at step " + outcome.step() + "; raise train.steps in " + run.config()
            + " to train on");
      }
      if (outcome.stepsRun() > 0 || !Files.exists(run.savedModels())) {
        export.models(cfg, run, outcome).forEach(out::println);
        writeMetrics(run, outcome);
      }
    }
    return new Result(run, outcome);
  }

  /** Refuses to resume with a config whose network or tiles differ from the run's. */
  static void checkResumable(RunConfig given, RunConfig saved) {
    Map<String, Object> a = Schema.write(given.model());
    Map<String, Object> b = Schema.write(saved.model());
    List<String> differing = new ArrayList<>();
    for (String key : a.keySet()) {
      if (!a.get(key).equals(b.get(key))) {
        differing.add("model." + key + " (" + b.get(key) + " in the run, " + a.get(key) + " given)");
      }
    }
    if (given.tile().size() != saved.tile().size()) {
      differing.add("tile.size (" + saved.tile().size() + " in the run, " + given.tile().size() + " given)");
    }
    if (!differing.isEmpty()) {
      throw UserError.config("cannot resume: the config's network differs from the run's in " + String.join(", ", differing)
          + "; resume without a config to use the run's own");
    }
  }

  private static void writeRunFiles(RunDirectory run, RunConfig cfg, TrainingSet data) {
    AtomicFiles.writeString(run.config(), "# Resolved config of this run: every key, defaults included.\n"
        + ConfigWriter.toYaml(cfg));
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("train_slices", data.train().stream().map(Slice::index).toList());
    extra.put("validation_slices", data.validation().stream().map(Slice::index).toList());
    extra.put("class_pixel_counts", data.classCounts());
    extra.put("forward_gflop_per_tile", Flops.forward(cfg.model(), cfg.tile().size()) / 1e9);
    extra.put("precision", Precisions.choose(cfg.runtime()).reason());
    RunInfo.write(run.info(), Provenance.current(), data.normalization(), data.classWeights(),
        cfg.model().parameterCount(), extra);
    List<Slice> all = data.all();
    Slice first = all.get(0);
    if (all.stream().allMatch(s -> s.width() == first.width() && s.height() == first.height())) {
      // Slices of several sizes cannot share one TIFF stack; their maps are recomputed on resume.
      StackWriter.writeFloatTiff(run.weightMaps(), first.width(), first.height(), all.stream().map(Slice::weights).toList());
    }
    Slice shown = data.train().get(0);
    float max = 0;
    for (float v : shown.weights()) {
      max = Math.max(max, v);
    }
    StackWriter.writePng(run.weightMapPicture(), Pictures.heat(shown.weights(), shown.width(), shown.height(), max));
  }

  private void describe(RunConfig cfg, TrainingSet data, RunDirectory run) {
    var m = cfg.model();
    out.printf("run %s%n", run.root());
    out.printf("network: depth %d, %d filters, %s padding, %,d parameters; tile %d px -> %d px, %.1f GFLOP forward%n",
        m.depth(), m.filters(), m.padding().name().toLowerCase(), m.parameterCount(), cfg.tile().size(),
        cfg.outputTile(), Flops.forward(m, cfg.tile().size()) / 1e9);
    out.printf("data: %d training slices, %d validation slices; normalisation mean %.4f, std %.4f%n",
        data.train().size(), data.validation().size(), data.normalization().mean(), data.normalization().std());
    out.printf("precision: %s (%s)%n", Precisions.of(cfg.runtime()).name().toLowerCase(),
        Precisions.choose(cfg.runtime()).reason());
    var t = cfg.train();
    String schedule = t.lrDecaySteps().isEmpty() ? "" : " (×" + t.lrDecayFactor() + " at steps " + t.lrDecaySteps() + ")";
    out.printf("training: %d steps of batch %d, %s, learning rate %s%s; TensorBoard: tensorboard --logdir %s%n",
        t.totalSteps(data.train().size()), t.batch(), t.optimizer().name().toLowerCase(), t.learningRate(), schedule,
        run.root().resolve("logs"));
  }

  private void writeMetrics(RunDirectory run, Trainer.Outcome outcome) {
    if (outcome.lastReport() == null) {
      return;
    }
    Map<String, Object> metrics = Reports.metrics(outcome.lastReport());
    metrics.put("step", outcome.step());
    metrics.put("training_seconds", outcome.secondsTraining());
    metrics.put("mean_data_wait_ms", outcome.meanDataWaitMs());
    metrics.put("environment", Provenance.current().environment());
    AtomicFiles.writeString(run.metrics(), RunInfo.gson().toJson(metrics) + "\n");
    var r = outcome.lastReport();
    out.printf("final validation: pixel accuracy %.4f, pixel error %.4f, V_rand %.4f and V_info %.4f after thinning "
        + "(%.4f, %.4f as is)%n", r.accuracy(), r.pixelError(), r.vRandThinned(), r.vInfoThinned(), r.vRand(), r.vInfo());
    if (Files.exists(run.curves())) {
      out.println("curves: " + run.curves());
    }
  }
}
