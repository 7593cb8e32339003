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
 * {@link StopRequest}; a step that comes out not finite is taken again from the last checkpoint, and
 * training stops, saving nothing of the broken weights, when it does so again.
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
   * <p>A step whose loss or gradient norm is not finite is taken again, with the steps before it,
   * from the last checkpoint (or from the start where none was written yet), exactly as {@code
   * train --resume} would. A run that diverges fails at that step again, and stops there; a fault
   * that does not repeat is passed. Such faults are seen in bf16 on a CPU with AMX: a NaN gradient
   * norm after a finite loss at one step of a 3000-step run, gone when the step was repeated.
   */
  public Outcome train(Optional<Path> resume) {
    Optional<Path> from = resume;
    long lastFailure = -1;
    while (true) {
      try {
        return attempt(from);
      } catch (NotFinite e) {
        Optional<Path> good = new Checkpoints(run.checkpoints(), config.train().keepCheckpoints()).latest();
        if (e.step <= lastFailure) {
          throw diverged(e, good);
        }
        lastFailure = e.step;
        if (terminal) {
          out.println(); // ends the progress line
        }
        out.printf("step %d: the loss is %s and the gradient norm %s; taking the steps again from %s%n", e.step,
            e.result.loss(), e.result.gradientNorm(), good.map(Path::toString).orElse("the start"));
        from = good;
      }
    }
  }

  private Outcome attempt(Optional<Path> resume) {
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
      List<TrainingListener> listeners = List.of(summaries, new History(run.history(), run.curves(), step),
          new Progress(out, terminal, step, total, train.summaryEvery()));
      Dataset<List<Sample>> stream = TrainingStream.of(data.train(),
          new Augmenter(config.augment(), config.tile().size(), config.outputTile()), seed, train.batch(),
          train.shuffleBuffer(), train.loaderThreads(), train.prefetch(), step * train.batch());
      Path lastCheckpoint = resume.orElse(null);
      // A run resumed at its end has no step left to validate after; its weights are scored once.
      Evaluation.Report lastReport = step >= total ? graph.withAverage(() -> validator.validate(graph)).report() : null;
      Totals totals = new Totals();
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
          checkFinite(r, step);
          step++;
          totals.add(seconds, waitMs);
          TrainingListener.Step done = new TrainingListener.Step(step, batch, r.loss(), r.gradientNorm(),
              r.probabilities(), seconds, waitMs);
          for (TrainingListener l : listeners) {
            l.onStep(done);
          }
          boolean isBest = false;
          if (step % train.validateEvery() == 0 || step == total) {
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
          if (isBest || step % train.checkpointEvery() == 0 || step == total) {
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

  /** Stops the attempt at once at a NaN or infinite loss or gradient: nothing of the broken weights is saved. */
  private static void checkFinite(TrainingGraph.StepResult r, long step) {
    if (!Float.isFinite(r.loss()) || !Float.isFinite(r.gradientNorm())) {
      throw new NotFinite(step + 1, r);
    }
  }

  private UserError diverged(NotFinite e, Optional<Path> good) {
    return new UserError(ExitCode.DIVERGED, String.format(
        "training diverged at step %d, and again when the step was repeated: the loss is %s and the gradient norm %s. "
            + "The likely cause is a learning rate too high (train.learning_rate = %s); lower it, or switch "
            + "train.optimizer. %s No SavedModel was exported.",
        e.step, e.result.loss(), e.result.gradientNorm(), config.train().learningRateAt(e.step - 1),
        good.map(p -> "The last good checkpoint is " + p + ".").orElse("No checkpoint had been written yet.")));
  }

  /** A step (1-based) that came out not finite. */
  private static final class NotFinite extends RuntimeException {
    final long step;
    final transient TrainingGraph.StepResult result;

    NotFinite(long step, TrainingGraph.StepResult result) {
      super(null, null, false, false);
      this.step = step;
      this.result = result;
    }
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
