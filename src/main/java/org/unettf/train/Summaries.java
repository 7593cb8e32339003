package org.unettf.train;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.unettf.config.RunConfig;
import org.unettf.data.Sample;
import org.unettf.data.Slice;
import org.unettf.io.Pictures;
import org.unettf.metrics.Evaluation;

/**
 * TensorBoard: the graph, training scalars averaged over each summary interval, augmented samples
 * and their predictions, the validation scores, the first validation slice's pictures and the
 * weights' histograms.
 */
final class Summaries implements TrainingListener, AutoCloseable {
  private final RunConfig config;
  private final long total;
  private final Slice shown;
  private final SummaryWriter trainLog;
  private final SummaryWriter validationLog;
  private double lossSum;
  private double normSum;
  private double waitSum;
  private double secondsSum;
  private int interval;

  Summaries(RunConfig config, long total, RunDirectory run, Slice shown) {
    this.config = config;
    this.total = total;
    this.shown = shown;
    this.trainLog = new SummaryWriter(run.trainLogs());
    SummaryWriter validation;
    try {
      validation = new SummaryWriter(run.validationLogs());
    } catch (RuntimeException e) {
      trainLog.close();
      throw e;
    }
    this.validationLog = validation;
  }

  @Override
  public void onStart(TrainingGraph graph, long step, List<Sample> first) {
    if (step == 0) {
      trainLog.graph(graph.graphDef(), 0);
      samples(first.get(0), null, 0);
    } else {
      trainLog.restart(step + 1);
      validationLog.restart(step + 1);
    }
  }

  @Override
  public void onStep(Step s) {
    lossSum += s.loss();
    normSum += s.gradientNorm();
    waitSum += s.waitMs();
    secondsSum += s.seconds() + s.waitMs() / 1000;
    interval++;
    var train = config.train();
    if (s.probabilities() != null) {
      samples(s.batch().get(0), s.probabilities(), s.step());
    }
    if (s.step() % train.summaryEvery() == 0 || s.step() == total) {
      trainLog.scalar("loss", lossSum / interval, s.step());
      trainLog.scalar("gradient_norm", normSum / interval, s.step());
      trainLog.scalar("learning_rate", train.learningRateAt(s.step() - 1), s.step());
      trainLog.scalar("images_per_second", interval * train.batch() / secondsSum, s.step());
      trainLog.scalar("data_wait_ms", waitSum / interval, s.step());
      lossSum = 0;
      normSum = 0;
      waitSum = 0;
      secondsSum = 0;
      interval = 0;
    }
  }

  @Override
  public void onValidation(Validation v) {
    Evaluation.Report r = v.result().report();
    long step = v.step();
    validationLog.scalar("loss", r.loss(), step);
    validationLog.scalar("pixel_accuracy", r.accuracy(), step);
    for (int c = 0; c < r.iou().length; c++) {
      validationLog.scalar("iou/class_" + c, r.iou()[c], step);
      validationLog.scalar("dice/class_" + c, r.dice()[c], step);
    }
    if (!Double.isNaN(r.vRand())) {
      validationLog.scalar("v_rand_thinned", r.vRandThinned(), step);
      validationLog.scalar("v_info_thinned", r.vInfoThinned(), step);
      validationLog.scalar("v_rand", r.vRand(), step);
      validationLog.scalar("v_info", r.vInfo(), step);
      validationLog.scalar("pixel_error", r.pixelError(), step);
    }
    int w = shown.width();
    int h = shown.height();
    validationLog.image("input", Pictures.greyBytes(shown.image()), w, h, shown.channels(), step);
    validationLog.image("label", labelBytes(shown.labels()), w, h, 1, step);
    validationLog.image("probability", Pictures.greyBytes(foreground(v.result().firstProbabilities())), w, h, 1, step);
    validationLog.flush();
    for (Map.Entry<String, float[]> weights : v.graph().variableValues().entrySet()) {
      trainLog.histogram("weights/" + weights.getKey(), weights.getValue(), step);
    }
  }

  @Override
  public void onEnd(long step, boolean completed) {
    trainLog.flush();
    validationLog.flush();
  }

  @Override
  public void close() {
    try {
      trainLog.close();
    } finally {
      validationLog.close();
    }
  }

  private void samples(Sample s, float[] probabilities, long step) {
    int in = s.inputSize();
    int outEdge = s.outputSize();
    trainLog.image("sample/input", Pictures.greyBytes(s.image()), in, in, s.channels(), step);
    trainLog.image("sample/label", labelBytes(s.labels()), outEdge, outEdge, 1, step);
    float max = 0;
    for (float v : s.weights()) {
      max = Math.max(max, v);
    }
    trainLog.image("sample/weights", Pictures.heatBytes(s.weights(), max), outEdge, outEdge, 3, step);
    if (probabilities != null) {
      float[] first = Arrays.copyOf(probabilities, outEdge * outEdge * config.model().classes());
      trainLog.image("sample/probability", Pictures.greyBytes(foreground(first)), outEdge, outEdge, 1, step);
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
