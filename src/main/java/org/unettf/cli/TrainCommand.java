package org.unettf.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.unettf.error.ExitCode;
import org.unettf.infer.RunExport;
import org.unettf.error.UserError;
import org.unettf.train.CrossValidation;
import org.unettf.train.StopRequest;
import org.unettf.train.Trainer;
import org.unettf.train.TrainingRun;
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

  @Option(names = "--folds", paramLabel = "K",
      description = "Cross-validate: K runs, each validating on another contiguous block of the slices, and the mean "
          + "and spread of their scores in OUTPUT_DIR/<name>-folds.json.")
  Integer folds;

  @Override
  public Integer call() {
    if (folds != null && (config == null || resume != null)) {
      throw UserError.config("--folds: give a CONFIG and no --resume (running it again resumes its folds)");
    }
    StopRequest stop = new StopRequest();
    Signals.onInterrupt(stop);
    TrainingRun training = new TrainingRun(main.out, System.console() != null, stop, RunExport::models);
    if (folds != null) {
      CrossValidation.Result cv = CrossValidation.run(config, folds, training, main.out);
      if (cv.summary() == null) {
        main.out.println("stopped by " + stop.signal() + "; run the same command again to resume the folds");
        return "SIGTERM".equals(stop.signal()) ? ExitCode.TERMINATED.code : ExitCode.INTERRUPTED.code;
      }
      main.out.println(CrossValidation.table(cv));
      main.out.println("wrote " + cv.summary());
      return 0;
    }
    TrainingRun.Result result = training.run(new TrainingRun.Request(config, resume, overwrite));
    Trainer.Outcome outcome = result.outcome();
    if (outcome.status() == Trainer.Status.INTERRUPTED) {
      main.out.println("stopped by " + stop.signal() + " at step " + outcome.step() + "; checkpoint written to "
          + outcome.lastCheckpoint());
      main.out.println("resume with: java -jar target/unet-tf.jar train --resume " + result.run().root());
      return "SIGTERM".equals(stop.signal()) ? ExitCode.TERMINATED.code : ExitCode.INTERRUPTED.code;
    }
    return 0;
  }
}
