package org.unettf.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.unettf.config.ConfigLoader;
import org.unettf.config.ConfigWriter;
import org.unettf.config.Schema;
import org.unettf.config.OutputConfig;
import org.unettf.config.RunConfig;
import org.unettf.data.Slice;
import org.unettf.data.TrainingSet;
import org.unettf.error.ExitCode;
import org.unettf.error.UserError;
import org.unettf.infer.Exporter;
import org.unettf.infer.ModelCard;
import org.unettf.io.AtomicFiles;
import org.unettf.io.Pictures;
import org.unettf.io.StackWriter;
import org.unettf.metrics.Reports;
import org.unettf.model.Flops;
import org.unettf.model.Memory;
import org.unettf.model.Sessions;
import org.unettf.train.Checkpoints;
import org.unettf.train.RunDirectory;
import org.unettf.train.RunInfo;
import org.unettf.train.StopRequest;
import org.unettf.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "train", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Train a U-Net as a config describes; writes a run folder with TensorBoard logs, checkpoints and a SavedModel.")
final class TrainCommand implements Callable<Integer> {
  @ParentCommand
  Main main;

  @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG", description = "The run's YAML config (optional with --resume).")
  Path config;

  @Option(names = "--resume", paramLabel = "RUN", description = "Continue the run in this folder from its last checkpoint.")
  Path resume;

  @Option(names = "--overwrite", description = "Replace an existing run folder of the same name.")
  boolean overwrite;

  @Override
  public Integer call() {
    if (config == null && resume == null) {
      throw UserError.config("train needs a CONFIG file, or --resume RUN (see train --help)");
    }
    RunDirectory run;
    RunConfig cfg;
    Optional<Path> checkpoint = Optional.empty();
    if (resume != null) {
      run = RunDirectory.open(resume);
      cfg = ConfigLoader.load(run.config());
      if (config != null) {
        checkResumable(ConfigLoader.load(config), cfg);
      }
      checkpoint = new Checkpoints(run.checkpoints(), cfg.train().keepCheckpoints()).latest();
    } else {
      cfg = ConfigLoader.load(config);
      run = null;
    }
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
    notices.forEach(main.out::println);
    describe(cfg, data, run);

    StopRequest stop = new StopRequest();
    Signals.onInterrupt(stop);
    Trainer.Outcome outcome = new Trainer(cfg, data, run, main.out, System.console() != null, stop).train(checkpoint);
    if (outcome.status() == Trainer.Status.INTERRUPTED) {
      main.out.println("stopped by " + stop.signal() + " at step " + outcome.step() + "; checkpoint written to "
          + outcome.lastCheckpoint());
      main.out.println("resume with: java -jar target/unet-tf.jar train --resume " + run.root());
      return "SIGTERM".equals(stop.signal()) ? ExitCode.TERMINATED.code : ExitCode.INTERRUPTED.code;
    }
    if (outcome.stepsRun() == 0) {
      main.out.println("the run is complete at step " + outcome.step() + "; raise train.steps in " + run.config()
          + " to train on");
    }
    if (outcome.stepsRun() > 0 || !Files.exists(run.savedModels())) {
      exportModels(cfg, data, run, outcome);
    }
    return 0;
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

  private void writeRunFiles(RunDirectory run, RunConfig cfg, TrainingSet data) {
    AtomicFiles.writeString(run.config(), "# Resolved config of this run: every key, defaults included.\n"
        + ConfigWriter.toYaml(cfg));
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("train_slices", data.train().stream().map(Slice::index).toList());
    extra.put("validation_slices", data.validation().stream().map(Slice::index).toList());
    extra.put("class_pixel_counts", data.classCounts());
    extra.put("forward_gflop_per_tile", Flops.forward(cfg.model(), cfg.tile().size()) / 1e9);
    RunInfo.write(run.info(), commandLine(), data.normalization(), data.classWeights(), cfg.model().parameterCount(), extra);
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
    main.out.printf("run %s%n", run.root());
    main.out.printf("network: depth %d, %d filters, %s padding, %,d parameters; tile %d px -> %d px, %.1f GFLOP forward%n",
        m.depth(), m.filters(), m.padding().name().toLowerCase(), m.parameterCount(), cfg.tile().size(),
        cfg.outputTile(), Flops.forward(m, cfg.tile().size()) / 1e9);
    main.out.printf("data: %d training slices, %d validation slices; normalisation mean %.4f, std %.4f%n",
        data.train().size(), data.validation().size(), data.normalization().mean(), data.normalization().std());
    var t = cfg.train();
    String schedule = t.lrDecaySteps().isEmpty() ? "" : " (×" + t.lrDecayFactor() + " at steps " + t.lrDecaySteps() + ")";
    main.out.printf("training: %d steps of batch %d, %s, learning rate %s%s; TensorBoard: tensorboard --logdir %s%n",
        t.totalSteps(data.train().size()), t.batch(), t.optimizer().name().toLowerCase(), t.learningRate(), schedule,
        run.root().resolve("logs"));
  }

  private void exportModels(RunConfig cfg, TrainingSet data, RunDirectory run, Trainer.Outcome outcome) {
    Map<String, Object> provenance = new LinkedHashMap<>();
    provenance.put("run", run.root().toString());
    provenance.put("steps", outcome.step());
    provenance.put("unet_tf", RunInfo.version());
    provenance.put("git_commit", RunInfo.gitCommit());
    ModelCard card = ModelCard.of(cfg.model(), cfg.data().classes(), data.normalization(), provenance)
        .withPrior(Trainer.prior(cfg, data));
    Path last = Exporter.export(card, Checkpoints.prefix(outcome.lastCheckpoint()), run.savedModels(),
        Exporter.nextVersion(run.savedModels()), cfg.runtime());
    main.out.println("SavedModel: " + last);
    if (outcome.bestCheckpoint().isPresent() && !outcome.bestCheckpoint().get().equals(outcome.lastCheckpoint())) {
      Path best = Exporter.export(card, Checkpoints.prefix(outcome.bestCheckpoint().get()), run.bestSavedModels(),
          Exporter.nextVersion(run.bestSavedModels()), cfg.runtime());
      main.out.println("best SavedModel (by validation): " + best);
    }
    if (outcome.lastReport() != null) {
      Map<String, Object> metrics = Reports.metrics(outcome.lastReport());
      metrics.put("step", outcome.step());
      metrics.put("training_seconds", outcome.secondsTraining());
      metrics.put("mean_data_wait_ms", outcome.meanDataWaitMs());
      AtomicFiles.writeString(run.metrics(), RunInfo.gson().toJson(metrics) + "\n");
      main.out.printf("final validation: pixel accuracy %.4f, pixel error %.4f, V_rand %.4f, V_info %.4f%n",
          outcome.lastReport().accuracy(), outcome.lastReport().pixelError(), outcome.lastReport().vRand(),
          outcome.lastReport().vInfo());
    }
    if (Files.exists(run.curves())) {
      main.out.println("curves: " + run.curves());
    }
  }

  private static List<String> commandLine() {
    return ProcessHandle.current().info().arguments().map(List::of).orElse(List.of());
  }
}
