package org.unettf.train;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.unettf.config.RunConfig;
import org.unettf.data.Augmenter;
import org.unettf.data.Dataset;
import org.unettf.data.OverlapTile;
import org.unettf.data.Sample;
import org.unettf.data.TrainingSet;
import org.unettf.data.TrainingStream;
import org.unettf.error.ExitCode;
import org.unettf.error.UserError;
import org.unettf.io.AtomicFiles;
import org.unettf.metrics.Evaluation;

/**
 * The training loop: batches from the input pipeline through {@link TrainingGraph}, with
 * TensorBoard summaries, validation, checkpoints and a progress line. Stops cleanly on a
 * {@link StopRequest}; passes a step that comes out not finite, and stops, saving nothing of the
 * broken weights, when the steps stay so.
 */
public final class Trainer {
  private final RunConfig config;
  private final TrainingSet data;
  private final RunDirectory run;
  private final PrintStream out;
  private final boolean terminal;
  private final StopRequest stop;
  private final Fault fault;

  /** Tests: what becomes of a step's batch (1-based step) before the step takes it, to make a fault in the step. */
  interface Fault {
    List<Sample> apply(long step, List<Sample> batch);
  }

  public enum Status {
    COMPLETED,
    INTERRUPTED
  }

  /** Where training ended and what it left. */
  public record Outcome(Status status, long step, long stepsRun, Path lastCheckpoint, Optional<Path> bestCheckpoint,
      Evaluation.Report lastReport, double secondsTraining, double meanDataWaitMs) {}

  public Trainer(RunConfig config, TrainingSet data, RunDirectory run, PrintStream out, boolean terminal, StopRequest stop) {
    this(config, data, run, out, terminal, stop, (step, batch) -> batch);
  }

  Trainer(RunConfig config, TrainingSet data, RunDirectory run, PrintStream out, boolean terminal, StopRequest stop,
      Fault fault) {
    this.config = config;
    this.data = data;
    this.run = run;
    this.out = out;
    this.terminal = terminal;
    this.stop = stop;
    this.fault = fault;
  }

  /**
   * Trains from scratch, or from {@code resume} (a checkpoint folder) to the configured step count.
   *
   * <p>A step whose loss or gradient is not finite applies a zero gradient ({@link TrainingGraph}),
   * is reported, and is left out of the logged averages; a validation or checkpoint due at it waits
   * for the next finite step. Such steps are seen in bf16 on a CPU with AMX, at a few steps in a
   * thousand, some of them again when taken again from a checkpoint. A run whose steps stay not
   * finite ({@link #NOT_FINITE_IN_A_ROW} in a row) has diverged: it stops, saving nothing more.
   */
  public Outcome train(Optional<Path> resume) {
    var train = config.train();
    long total = train.totalSteps(data.train().size());
    long seed = train.seed();
    Checkpoints checkpoints = new Checkpoints(run.checkpoints(), train.keepCheckpoints());
    checkpoints.cleanStale();
    AtomicFiles.cleanStale(run.root());
    // An export killed at the end of an earlier sitting leaves its version folder half-made.
    AtomicFiles.cleanStale(run.savedModels());
    AtomicFiles.cleanStale(run.bestSavedModels());
    Validator validator = new Validator(data.validation(), config.model(), OverlapTile.Plan.onePass());
    try (TrainingGraph graph = new TrainingGraph(config, data.normalization(),
            config.weights().calibration(data.classWeights()));
        Summaries summaries = new Summaries(config, total, run, data.validation().get(0))) {
      long step = 0;
      Best best = new Best(Double.NEGATIVE_INFINITY, -1);
      if (resume.isPresent()) {
        Checkpoints.State state = Checkpoints.state(resume.get());
        graph.restore(Checkpoints.prefix(resume.get()));
        step = graph.globalStep();
        best = new Best(state.bestScore(), state.bestStep());
        out.println("resumed " + resume.get() + " at step " + step);
      }
      Progress progress = new Progress(out, terminal, step, total, train.summaryEvery());
      List<TrainingListener> listeners = List.of(summaries, new History(run.history(), run.curves(), step), progress);
      Dataset<List<Sample>> stream = TrainingStream.of(data.train(),
          new Augmenter(config.augment(), config.tile().size(), config.outputTile()), seed, train.batch(),
          train.shuffleBuffer(), train.loaderThreads(), train.prefetch(), step * train.batch());
      Path lastCheckpoint = resume.orElse(null);
      // A run resumed at its end has no step left to validate after; its weights are scored once.
      Evaluation.Report lastReport = step >= total ? graph.withAverage(() -> validator.validate(graph)).report() : null;
      Totals totals = new Totals();
      boolean validationDue = false;
      boolean checkpointDue = false;
      int notFinite = 0;
      TrainingGraph.StepResult failed = null;
      try (Dataset.Cursor<List<Sample>> cursor = stream.cursor()) {
        List<Sample> first = cursor.next();
        if (step == 0) {
          out.println("ops placed on: " + graph.placement(first, seed));
        }
        for (TrainingListener l : listeners) {
          l.onStart(graph, step, first);
        }
        while (step < total) {
          if (stop.requested()) {
            if (notFinite > 0) {
              checkWeightsFinite(graph, failed, step, checkpoints);
            }
            Path saved = checkpoints.save(graph, best.state(step, train.batch()), false);
            for (TrainingListener l : listeners) {
              l.onEnd(step, false);
            }
            return new Outcome(Status.INTERRUPTED, step, totals.steps, saved, checkpoints.best(), lastReport,
                totals.seconds, totals.meanWaitMs());
          }
          long waitStart = System.nanoTime();
          List<Sample> batch = fault.apply(step + 1, first != null ? first : cursor.next());
          first = null;
          double waitMs = (System.nanoTime() - waitStart) / 1e6;
          boolean images = (step + 1) % train.imageSummaryEvery() == 0;
          long start = System.nanoTime();
          TrainingGraph.StepResult r = graph.step(batch, seed, step, images);
          double seconds = (System.nanoTime() - start) / 1e9;
          step++;
          totals.add(seconds, waitMs);
          validationDue |= step % train.validateEvery() == 0 || step == total;
          checkpointDue |= step % train.checkpointEvery() == 0 || step == total;
          if (r.finite()) {
            notFinite = 0;
            TrainingListener.Step done = new TrainingListener.Step(step, batch, r.loss(), r.gradientNorm(),
                r.probabilities(), seconds, waitMs);
            for (TrainingListener l : listeners) {
              l.onStep(done);
            }
          } else {
            failed = r;
            progress.message(String.format("step %d: the loss is %s and the gradient norm %s; the step applied a zero "
                + "gradient", step, r.loss(), r.gradientNorm()));
            if (++notFinite >= NOT_FINITE_IN_A_ROW) {
              throw diverged(r, step, "not finite at " + notFinite + " steps in a row", checkpoints);
            }
            if (step < total) {
              continue; // validation and checkpoints wait for a finite step
            }
            checkWeightsFinite(graph, r, step, checkpoints); // the run ends here: it is saved only if sound
          }
          boolean isBest = false;
          if (validationDue) {
            validationDue = false;
            Validator.Result result = graph.withAverage(() -> validator.validate(graph));
            lastReport = result.report();
            double score = score(lastReport);
            isBest = score > best.score();
            best = isBest ? new Best(score, step) : best;
            TrainingListener.Validation validation = new TrainingListener.Validation(step, result, isBest, graph);
            for (TrainingListener l : listeners) {
              l.onValidation(validation);
            }
          }
          if (isBest || checkpointDue) {
            checkpointDue = false;
            lastCheckpoint = checkpoints.save(graph, best.state(step, train.batch()), isBest);
          }
        }
      }
      for (TrainingListener l : listeners) {
        l.onEnd(step, true);
      }
      return new Outcome(Status.COMPLETED, step, totals.steps, lastCheckpoint, checkpoints.best(), lastReport,
          totals.seconds, totals.meanWaitMs());
    }
  }

  /** The best validation score so far and its step, as checkpoints record them. */
  private record Best(double score, long step) {
    Checkpoints.State state(long at, int batch) {
      return new Checkpoints.State(at, at * batch, score, step);
    }
  }

  /** The run's totals: steps, seconds (training and waiting for data), waiting alone. */
  private static final class Totals {
    long steps;
    double seconds;
    double waitMs;

    void add(double stepSeconds, double waitedMs) {
      steps++;
      seconds += stepSeconds + waitedMs / 1000;
      waitMs += waitedMs;
    }

    double meanWaitMs() {
      return steps == 0 ? 0 : waitMs / steps;
    }
  }

  /** Steps not finite in a row after which a run has diverged. */
  private static final int NOT_FINITE_IN_A_ROW = 10;

  /** A run that stops right after a step that was not finite is saved only with finite weights. */
  private void checkWeightsFinite(TrainingGraph graph, TrainingGraph.StepResult r, long step, Checkpoints checkpoints) {
    for (float[] values : graph.variableValues().values()) {
      for (float v : values) {
        if (!Float.isFinite(v)) {
          throw diverged(r, step, "and the weights are no longer finite", checkpoints);
        }
      }
    }
  }

  private UserError diverged(TrainingGraph.StepResult r, long step, String how, Checkpoints checkpoints) {
    return new UserError(ExitCode.DIVERGED, String.format(
        "training diverged at step %d: the loss is %s and the gradient norm %s, %s. The likely cause "
            + "is a learning rate too high (train.learning_rate = %s); lower it, or switch train.optimizer. %s "
            + "No SavedModel was exported.",
        step, r.loss(), r.gradientNorm(), how, config.train().learningRateAt(step - 1),
        checkpoints.latest().map(p -> "The last good checkpoint is " + p + ".")
            .orElse("No checkpoint had been written yet.")));
  }

  /**
   * What "best" means: for the two-class ISBI task the leaderboard's headline, V_rand after border
   * thinning; mean IoU otherwise.
   */
  static double score(Evaluation.Report report) {
    if (!Double.isNaN(report.vRandThinned())) {
      return report.vRandThinned();
    }
    return Arrays.stream(report.iou()).average().orElse(Double.NEGATIVE_INFINITY);
  }}
