package org.unettf.train;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.unettf.config.RunConfig;
import org.unettf.data.Augmenter;
import org.unettf.data.Dataset;
import org.unettf.data.OverlapTile;
import org.unettf.data.Sample;
import org.unettf.data.Slice;
import org.unettf.data.TrainingSet;
import org.unettf.data.TrainingStream;
import org.unettf.error.ExitCode;
import org.unettf.error.UserError;
import org.unettf.io.AtomicFiles;
import org.unettf.io.Pictures;
import org.unettf.metrics.Evaluation;

/**
 * The training loop: batches from the input pipeline through {@link TrainingGraph}, with
 * TensorBoard summaries, validation, checkpoints and a progress line. Stops cleanly on a
 * {@link StopRequest}, and refuses to go on (or to save) once the loss is no longer finite.
 */
public final class Trainer {
  private final RunConfig config;
  private final TrainingSet data;
  private final RunDirectory run;
  private final PrintStream out;
  private final boolean terminal;
  private final StopRequest stop;

  public enum Status {
    COMPLETED,
    INTERRUPTED
  }

  /** Where training ended and what it left. */
  public record Outcome(Status status, long step, long stepsRun, Path lastCheckpoint, Optional<Path> bestCheckpoint,
      Evaluation.Report lastReport, double secondsTraining, double meanDataWaitMs) {}

  public Trainer(RunConfig config, TrainingSet data, RunDirectory run, PrintStream out, boolean terminal, StopRequest stop) {
    this.config = config;
    this.data = data;
    this.run = run;
    this.out = out;
    this.terminal = terminal;
    this.stop = stop;
  }

  /** Trains from scratch, or from {@code resume} (a checkpoint folder) to the configured step count. */
  public Outcome train(Optional<Path> resume) {
    var train = config.train();
    long total = train.totalSteps(data.train().size());
    long seed = train.seed();
    Checkpoints checkpoints = new Checkpoints(run.checkpoints(), train.keepCheckpoints());
    checkpoints.cleanStale();
    AtomicFiles.cleanStale(run.root());
    Augmenter augmenter = new Augmenter(config.augment(), config.tile().size(), config.outputTile());
    Validator validator = new Validator(data.validation(), config.model(), OverlapTile.Plan.onePass());

    try (TrainingGraph graph = new TrainingGraph(config, data.normalization(), prior(config, data));
        SummaryWriter trainLog = new SummaryWriter(run.trainLogs());
        SummaryWriter validationLog = new SummaryWriter(run.validationLogs())) {
      long step = 0;
      double bestScore = Double.NEGATIVE_INFINITY;
      long bestStep = -1;
      if (resume.isPresent()) {
        Checkpoints.State state = Checkpoints.state(resume.get());
        graph.restore(Checkpoints.prefix(resume.get()));
        step = graph.globalStep();
        bestScore = state.bestScore();
        bestStep = state.bestStep();
        out.println("resumed " + resume.get() + " at step " + step);
      } else {
        trainLog.graph(graph.graphDef(), 0);
      }
      History history = new History(run.history(), step);
      long samples = step * train.batch();
      Dataset<List<Sample>> stream = TrainingStream.of(data.train(), augmenter, seed, train.batch(),
          train.shuffleBuffer(), train.loaderThreads(), train.prefetch(), samples);
      Progress progress = new Progress(out, terminal, step, total, train.summaryEvery());
      Path lastCheckpoint = resume.orElse(null);
      Evaluation.Report lastReport = null;
      Meter meter = new Meter();
      try (Dataset.Cursor<List<Sample>> cursor = stream.cursor()) {
        List<Sample> first = null;
        if (step == 0) {
          first = cursor.next();
          out.println("ops placed on: " + graph.placement(first, seed));
          writeSampleImages(trainLog, first.get(0), null, 0);
        }
        while (step < total) {
          if (stop.requested()) {
            progress.finish();
            Path saved = checkpoints.save(graph, new Checkpoints.State(step, step * train.batch(), bestScore, bestStep), false);
            trainLog.flush();
            validationLog.flush();
            return new Outcome(Status.INTERRUPTED, step, meter.steps, saved, checkpoints.best(), lastReport, meter.seconds,
                meter.meanWaitMs());
          }
          long waitStart = System.nanoTime();
          List<Sample> batch = first != null ? first : cursor.next();
          first = null;
          double waitMs = (System.nanoTime() - waitStart) / 1e6;
          boolean images = (step + 1) % train.imageSummaryEvery() == 0;
          StepOutcome o = runStep(graph, batch, seed, step, images);
          step++;
          meter.add(o, waitMs, train.batch());
          progress.update(step, meter.emaLoss, meter.emaRate);
          if (images) {
            writeSampleImages(trainLog, batch.get(0), o.probabilities, step);
          }
          if (step % train.summaryEvery() == 0 || step == total) {
            meter.writeSummaries(trainLog, step, train.learningRateAt(step - 1));
          }
          boolean best = false;
          if (step % train.validateEvery() == 0 || step == total) {
            Validator.Result result = validator.validate(graph);
            lastReport = result.report();
            logValidation(validationLog, result, step);
            writeHistograms(trainLog, graph, step);
            history.add(step, meter.lossSinceValidation(), lastReport);
            double score = score(lastReport);
            if (score > bestScore) {
              bestScore = score;
              bestStep = step;
              best = true;
            }
            progress.message(String.format("step %d: validation loss %.4f, pixel accuracy %.4f, pixel error %.4f, "
                + "V_rand %.4f and V_info %.4f after thinning (%.4f, %.4f as is)%s", step, lastReport.loss(),
                lastReport.accuracy(), lastReport.pixelError(), lastReport.vRandThinned(), lastReport.vInfoThinned(),
                lastReport.vRand(), lastReport.vInfo(), best ? " (best so far)" : ""));
          }
          if (best || step % train.checkpointEvery() == 0 || step == total) {
            lastCheckpoint = checkpoints.save(graph,
                new Checkpoints.State(step, step * train.batch(), bestScore, bestStep), best);
          }
        }
      }
      progress.finish();
      trainLog.flush();
      validationLog.flush();
      history.plot(run.curves());
      return new Outcome(Status.COMPLETED, step, meter.steps, lastCheckpoint, checkpoints.best(), lastReport,
          meter.seconds, meter.meanWaitMs());
    }
  }

  /**
   * Running statistics of the steps: means over the summary interval for TensorBoard, moving
   * averages for the progress line, the mean training loss since the last validation, totals.
   */
  private static final class Meter {
    private double lossSum;
    private double normSum;
    private double waitSum;
    private int interval;
    private double validationLossSum;
    private int validationSteps;
    double emaLoss = Double.NaN;
    double emaRate = Double.NaN;
    double seconds;
    private double waitMsTotal;
    long steps;

    void add(StepOutcome o, double waitMs, int batch) {
      steps++;
      seconds += o.seconds + waitMs / 1000;
      waitMsTotal += waitMs;
      lossSum += o.loss;
      normSum += o.norm;
      waitSum += waitMs;
      interval++;
      validationLossSum += o.loss;
      validationSteps++;
      emaLoss = Double.isNaN(emaLoss) ? o.loss : 0.9 * emaLoss + 0.1 * o.loss;
      double rate = batch / (o.seconds + waitMs / 1000);
      emaRate = Double.isNaN(emaRate) ? rate : 0.9 * emaRate + 0.1 * rate;
    }

    void writeSummaries(SummaryWriter log, long step, double learningRate) {
      log.scalar("loss", lossSum / interval, step);
      log.scalar("gradient_norm", normSum / interval, step);
      log.scalar("learning_rate", learningRate, step);
      log.scalar("images_per_second", emaRate, step);
      log.scalar("data_wait_ms", waitSum / interval, step);
      lossSum = 0;
      normSum = 0;
      waitSum = 0;
      interval = 0;
    }

    /** The mean training loss since the previous call, for history.csv. */
    double lossSinceValidation() {
      double mean = validationLossSum / Math.max(1, validationSteps);
      validationLossSum = 0;
      validationSteps = 0;
      return mean;
    }

    double meanWaitMs() {
      return steps == 0 ? 0 : waitMsTotal / steps;
    }
  }

  private record StepOutcome(float loss, float norm, float[] probabilities, double seconds) {}

  private StepOutcome runStep(TrainingGraph graph, List<Sample> batch, long seed, long step, boolean images) {
    long start = System.nanoTime();
    TrainingGraph.StepResult r = graph.step(batch, seed, step, images);
    double seconds = (System.nanoTime() - start) / 1e9;
    if (!Float.isFinite(r.loss()) || !Float.isFinite(r.gradientNorm())) {
      Optional<Path> good = new Checkpoints(run.checkpoints(), config.train().keepCheckpoints()).latest();
      throw new UserError(ExitCode.DIVERGED, String.format(
          "training diverged at step %d: the loss is %s and the gradient norm %s. The likely cause is a learning rate "
              + "too high (train.learning_rate = %s); lower it, or switch train.optimizer. %s No SavedModel was exported.",
          step + 1, r.loss(), r.gradientNorm(), config.train().learningRateAt(step),
          good.map(p -> "The last good checkpoint is " + p + ".").orElse("No checkpoint had been written yet.")));
    }
    return new StepOutcome(r.loss(), r.gradientNorm(), r.probabilities(), seconds);
  }

  /** The class weights to divide out of predicted probabilities, or null (see {@code weights.calibrate}). */
  public static double[] prior(RunConfig config, TrainingSet data) {
    return config.weights().calibrate() && config.weights().classBalance() ? data.classWeights() : null;
  }

  /**
   * What "best" means: for the two-class ISBI task the leaderboard's headline, V_rand after border
   * thinning; mean IoU otherwise.
   */
  static double score(Evaluation.Report report) {
    if (!Double.isNaN(report.vRandThinned())) {
      return report.vRandThinned();
    }
    return java.util.Arrays.stream(report.iou()).average().orElse(Double.NEGATIVE_INFINITY);
  }

  private void logValidation(SummaryWriter log, Validator.Result result, long step) {
    Evaluation.Report r = result.report();
    log.scalar("loss", r.loss(), step);
    log.scalar("pixel_accuracy", r.accuracy(), step);
    for (int c = 0; c < r.iou().length; c++) {
      log.scalar("iou/class_" + c, r.iou()[c], step);
      log.scalar("dice/class_" + c, r.dice()[c], step);
    }
    if (!Double.isNaN(r.vRand())) {
      log.scalar("v_rand_thinned", r.vRandThinned(), step);
      log.scalar("v_info_thinned", r.vInfoThinned(), step);
      log.scalar("v_rand", r.vRand(), step);
      log.scalar("v_info", r.vInfo(), step);
      log.scalar("pixel_error", r.pixelError(), step);
    }
    Slice first = data.validation().get(0);
    int w = first.width();
    int h = first.height();
    log.image("input", Pictures.greyBytes(first.image()), w, h, first.channels(), step);
    log.image("label", labelBytes(first.labels()), w, h, 1, step);
    log.image("probability", Pictures.greyBytes(foreground(result.firstProbabilities())), w, h, 1, step);
    log.flush();
  }

  private void writeSampleImages(SummaryWriter log, Sample s, float[] probabilities, long step) {
    int in = s.inputSize();
    int outEdge = s.outputSize();
    log.image("sample/input", Pictures.greyBytes(s.image()), in, in, s.channels(), step);
    log.image("sample/label", labelBytes(s.labels()), outEdge, outEdge, 1, step);
    float max = 0;
    for (float v : s.weights()) {
      max = Math.max(max, v);
    }
    log.image("sample/weights", Pictures.heatBytes(s.weights(), max), outEdge, outEdge, 3, step);
    if (probabilities != null) {
      float[] first = java.util.Arrays.copyOf(probabilities, outEdge * outEdge * config.model().classes());
      log.image("sample/probability", Pictures.greyBytes(foreground(first)), outEdge, outEdge, 1, step);
    }
  }

  private void writeHistograms(SummaryWriter log, TrainingGraph graph, long step) {
    for (Map.Entry<String, float[]> v : graph.variableValues().entrySet()) {
      log.histogram("weights/" + v.getKey(), v.getValue(), step);
    }
  }

  /** Class 1's probability for two classes; the expected class index scaled to [0, 1] for more. */
  private float[] foreground(float[] probabilities) {
    int k = config.model().classes();
    float[] out = new float[probabilities.length / k];
    for (int i = 0; i < out.length; i++) {
      float v = 0;
      for (int c = 1; c < k; c++) {
        v += c * probabilities[i * k + c];
      }
      out[i] = v / (k - 1);
    }
    return out;
  }

  private byte[] labelBytes(byte[] labels) {
    int k = config.model().classes();
    byte[] out = new byte[labels.length];
    for (int i = 0; i < labels.length; i++) {
      out[i] = (byte) (labels[i] * 255 / (k - 1));
    }
    return out;
  }
}
