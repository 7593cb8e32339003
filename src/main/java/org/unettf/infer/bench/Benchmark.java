package org.unettf.infer.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.unettf.config.RunConfig;
import org.unettf.config.RuntimeConfig;
import org.unettf.config.TrainConfig;
import org.unettf.data.Augmenter;
import org.unettf.data.Dataset;
import org.unettf.data.OverlapTile;
import org.unettf.data.Sample;
import org.unettf.data.Slice;
import org.unettf.data.TrainingSet;
import org.unettf.data.TrainingStream;
import org.unettf.data.WeightMap;
import org.unettf.infer.CellInstances;
import org.unettf.infer.Exporter;
import org.unettf.infer.ModelCard;
import org.unettf.infer.OnnxExporter;
import org.unettf.infer.OnnxPredictor;
import org.unettf.infer.Predictor;
import org.unettf.infer.SavedModelPredictor;
import org.unettf.infer.volume.VolumeBench;
import org.unettf.io.AtomicFiles;
import org.unettf.metrics.Evaluation;
import org.unettf.model.Flops;
import org.unettf.model.Precisions;
import org.unettf.model.Sessions;
import org.unettf.model.Tuning;
import org.unettf.numerics.Dihedral;
import org.unettf.numerics.Instances;
import org.unettf.train.Provenance;
import org.unettf.train.SummaryWriter;
import org.unettf.train.TrainingGraph;

/**
 * {@code bench}: how fast a config's network trains and infers on this machine, measured against
 * the machine's own matmul rate in the same runtime, timed between the network's runs so that each
 * ratio compares the two under the same load. Also the weight map, augmentation and instance
 * segmentation per slice, and peak memory.
 */
public final class Benchmark {
  /** One measured figure: its JSON key, value, and the line that shows it ({@code %} format). */
  public record Figure(String key, double value, String label) {
    public String line() {
      return String.format(label, value);
    }
  }

  /** What was measured, and on what: the config, machine, threads and precision ({@code header}). */
  public record Report(Map<String, Object> header, List<Figure> figures) {
    /** Everything as one JSON-ready map, header first. */
    public Map<String, Object> toMap() {
      Map<String, Object> out = new LinkedHashMap<>(header);
      figures.forEach(f -> out.put(f.key(), f.value()));
      return out;
    }
  }

  private final int steps;
  private final int slices;
  private final Consumer<String> log;
  private final Map<String, Object> header = new LinkedHashMap<>();
  private final List<Figure> figures = new ArrayList<>();
  private final Map<String, Double> values = new LinkedHashMap<>();

  /**
   * @param steps timed training steps per measurement
   * @param slices validation slices to time inference on
   * @param log receives each line as soon as its figure is measured
   */
  public Benchmark(int steps, int slices, Consumer<String> log) {
    this.steps = steps;
    this.slices = slices;
    this.log = log;
  }

  public Report run(RunConfig cfg, String configName) {
    Sessions.checkDevice(cfg.runtime());
    TrainingSet data = TrainingSet.load(cfg, s -> { });
    int tile = cfg.tile().size();
    header.put("config", configName);
    header.put("environment", Provenance.current().environment());
    header.put("threads", Map.of("intra_op", cfg.runtime().intraOpThreadsResolved(), "inter_op",
        cfg.runtime().interOpThreadsResolved()));
    header.put("precision", Precisions.of(cfg.runtime()).name().toLowerCase());
    log.accept(String.format("bench %s: depth %d, %d filters, tile %d -> %d, batch %d, %d intra-op threads, %s", configName,
        cfg.model().depth(), cfg.model().filters(), tile, cfg.outputTile(), cfg.train().batch(),
        cfg.runtime().intraOpThreadsResolved(), Precisions.of(cfg.runtime()).name().toLowerCase()));

    RuntimeConfig fp32 = new RuntimeConfig(cfg.runtime().intraOpThreads(), cfg.runtime().interOpThreads(),
        cfg.runtime().device(), 1, RuntimeConfig.Precision.FP32, cfg.runtime().winograd());
    RuntimeConfig.Precision precision = Precisions.of(cfg.runtime());
    String name = precision.name().toLowerCase();
    double forward = Flops.forward(cfg.model(), tile);
    double step = Flops.trainingStep(cfg.model(), tile, cfg.train().batch());
    double multiplied = Flops.trainingStepMultiplied(cfg.model(), tile, cfg.train().batch(), Tuning.of(cfg.runtime()));
    try (Reference fp32Matmul = new Reference(fp32);
        Reference ownPrecision = precision == RuntimeConfig.Precision.FP32 ? null : new Reference(cfg.runtime())) {
      Reference matmul = ownPrecision != null ? ownPrecision : fp32Matmul;
      put("matmul_gflops", fp32Matmul.rate(5), "fp32 4096² MatMul: %.1f GFLOP/s");
      if (ownPrecision != null) {
        // The network's ratios are taken against the matmul rate at its own precision.
        put("matmul_gflops_" + name, matmul.rate(5), name + " 4096² MatMul (the same rewrite): %.1f GFLOP/s");
      }
      put("forward_gflop", forward / 1e9, "network: %.1f GFLOP per forward pass");
      put("step_gflop", step / 1e9, "         %.1f GFLOP per training step");
      put("step_gflop_multiplied", multiplied / 1e9,
          "         %.1f GFLOP of them multiplied in training (fewer where Winograd's layers run: fp32 on a CPU)");

      weightMapAndAugmentation(cfg, data);
      try (TrainingGraph graph = new TrainingGraph(cfg, data.normalization())) {
        bareTraining(cfg, graph, step, multiplied, matmul);
        pipelineTraining(cfg, graph, data, step);
        inference(cfg, graph, data, matmul);
        deployed(cfg, graph, data);
      }
    }
    put("peak_rss_mb", peakRssMb(), "peak resident memory: %.0f MB");
    return new Report(new LinkedHashMap<>(header), List.copyOf(figures));
  }

  /**
   * The in-run reference: a 4096² MatMul in the same TF runtime and threads. The network's timings
   * are interleaved with its runs, so that each ratio compares the two under the same load: on a
   * shared machine the matmul rate alone drifts by 10% within minutes.
   */
  private static final class Reference implements AutoCloseable {
    private static final int N = 4096;
    private static final double FLOPS = 2.0 * N * N * N;
    private final Graph graph = new Graph();
    private final Session session;
    private final Operand<TFloat32> product;

    Reference(RuntimeConfig runtime) {
      Ops tf = Ops.create(graph);
      Operand<TFloat32> a = tf.variable(tf.random.statelessRandomNormal(tf.constant(new int[] {N, N}), tf.constant(new long[] {1, 2})));
      Operand<TFloat32> b = tf.variable(tf.random.statelessRandomNormal(tf.constant(new int[] {N, N}), tf.constant(new long[] {3, 4})));
      product = tf.reduceSum(tf.linalg.matMul(a, b), tf.constant(new int[] {0, 1}));
      session = new Session(graph, Sessions.config(runtime));
      session.initialize();
      seconds();
    }

    /** One multiplication's wall time. */
    double seconds() {
      long t0 = System.nanoTime();
      session.runner().fetch(product).run().close();
      return (System.nanoTime() - t0) / 1e9;
    }

    /** GFLOP/s over the median of {@code times} multiplications. */
    double rate(int times) {
      double[] seconds = new double[times];
      for (int i = 0; i < times; i++) {
        seconds[i] = seconds();
      }
      return gflops(seconds);
    }

    static double gflops(double[] seconds) {
      return FLOPS / median(seconds) / 1e9;
    }

    @Override
    public void close() {
      session.close();
      graph.close();
    }
  }

  private void weightMapAndAugmentation(RunConfig cfg, TrainingSet data) {
    Slice slice = data.train().get(0);
    double[] times = new double[5];
    for (int i = 0; i < times.length; i++) {
      long t0 = System.nanoTime();
      WeightMap.compute(slice.labels(), slice.width(), slice.height(), data.classWeights(), cfg.weights().w0(),
          cfg.weights().sigma());
      times[i] = (System.nanoTime() - t0) / 1e6;
    }
    put("weight_map_ms_per_slice", median(times), "weight map: %.1f ms per " + slice.width() + "×" + slice.height()
        + " slice (one core)");
    Augmenter augmenter = new Augmenter(cfg.augment(), cfg.tile().size(), cfg.outputTile());
    for (int i = 0; i < 100; i++) {
      augmenter.sample(slice, new SplittableRandom(i));
    }
    // The median of several rounds, so that one garbage collection does not set the figure.
    int n = 50;
    double[] rates = new double[5];
    for (int round = 0; round < rates.length; round++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        int k = round * n + i;
        augmenter.sample(data.train().get(k % data.train().size()), new SplittableRandom(1000 + k));
      }
      rates[round] = n / ((System.nanoTime() - t0) / 1e9);
    }
    put("augmentation_samples_per_second_per_thread", median(rates),
        "augmentation: %.0f samples/s per thread (" + cfg.tile().size() + " px tiles, as configured)");
  }

  private void bareTraining(RunConfig cfg, TrainingGraph graph, double flops, double multiplied, Reference matmul) {
    List<Sample> batch = syntheticBatch(cfg);
    for (int i = 0; i < 2; i++) {
      graph.step(batch, 1, i, false);
    }
    double[] times = new double[steps];
    double[] reference = new double[steps];
    for (int i = 0; i < steps; i++) {
      long t0 = System.nanoTime();
      graph.step(batch, 1, i, false);
      times[i] = (System.nanoTime() - t0) / 1e9;
      reference[i] = matmul.seconds();
    }
    double t = median(times);
    double rate = Reference.gflops(reference);
    put("train_step_seconds", t, "training step (bare graph): %.3f s median");
    put("train_images_per_second", cfg.train().batch() / t, "                  %.2f images/s");
    put("train_gflops", flops / t / 1e9, "                  %.1f GFLOP/s");
    put("train_matmul_gflops", rate, "                  matmul between the steps: %.1f GFLOP/s");
    put("train_fraction_of_matmul", flops / t / 1e9 / rate, "                  %.2f of the matmul rate");
    put("train_multiplied_gflops", multiplied / t / 1e9, "                  %.1f GFLOP/s multiplied");
  }

  /** Steps fed by the real input pipeline, with the summaries a run writes, validation amortised. */
  private void pipelineTraining(RunConfig cfg, TrainingGraph graph, TrainingSet data, double flops) {
    TrainConfig train = cfg.train();
    Augmenter augmenter = new Augmenter(cfg.augment(), cfg.tile().size(), cfg.outputTile());
    Dataset<List<Sample>> stream = TrainingStream.of(data.train(), augmenter, train.seed(), train.batch(),
        train.shuffleBuffer(), train.loaderThreads(), train.prefetch(), 0);
    Path logs = AtomicFiles.scratchFolder("unet-tf-bench");
    double[] times = new double[steps];
    double waitMs = 0;
    try (var cursor = stream.cursor(); SummaryWriter log = new SummaryWriter(logs)) {
      graph.step(cursor.next(), train.seed(), 0, false);
      for (int i = 0; i < steps; i++) {
        long t0 = System.nanoTime();
        List<Sample> batch = cursor.next();
        waitMs += (System.nanoTime() - t0) / 1e6;
        TrainingGraph.StepResult r = graph.step(batch, train.seed(), i + 1, false);
        log.scalar("loss", r.loss(), i);
        log.scalar("gradient_norm", r.gradientNorm(), i);
        times[i] = (System.nanoTime() - t0) / 1e9;
      }
      log.flush();
    } finally {
      AtomicFiles.deleteQuietly(logs);
    }
    double t = median(times);
    put("pipeline_step_seconds", t, "training step (input pipeline + summaries): %.3f s median");
    put("pipeline_data_wait_ms", waitMs / steps, "                  waited %.1f ms per step for data");
    put("pipeline_fraction_of_bare", values.get("train_step_seconds") / t,
        "                  %.2f of the bare step's throughput");
    long v0 = System.nanoTime();
    List<Evaluation.Prediction> predictions = new ArrayList<>();
    for (Slice s : data.validation()) {
      float[] p = OverlapTile.predict(s.image(), s.width(), s.height(), cfg.model(), graph, OverlapTile.Plan.onePass());
      predictions.add(new Evaluation.Prediction(s.index(), s.width(), s.height(), cfg.model().classes(), p, s.labels(),
          s.weights()));
    }
    Evaluation.evaluate(predictions);
    double validation = (System.nanoTime() - v0) / 1e9;
    double amortised = t + validation / train.validateEvery();
    put("validation_seconds", validation, "validation of " + data.validation().size() + " slices: %.1f s");
    put("end_to_end_fraction_of_bare", values.get("train_step_seconds") / amortised,
        "end to end (pipeline, summaries, validation every " + train.validateEvery()
            + " steps): %.2f of the bare step's throughput");
  }

  private void inference(RunConfig cfg, TrainingGraph graph, TrainingSet data, Reference matmul) {
    List<Slice> shown = data.validation().subList(0, Math.min(slices, data.validation().size()));
    Slice first = shown.get(0);
    int input = OverlapTile.inputSize(cfg.model(), Math.max(first.width(), first.height()), Integer.MAX_VALUE);
    double tileFlops = Flops.forward(cfg.model(), input);
    int[] counter = new int[1];
    OverlapTile.TileModel counting = (tiles, count, size) -> {
      counter[0] += count;
      return graph.predict(tiles, count, size);
    };
    OverlapTile.predict(first.image(), first.width(), first.height(), cfg.model(), counting, OverlapTile.Plan.onePass());
    counter[0] = 0;
    double seconds = 0;
    double[] reference = new double[shown.size()];
    for (int i = 0; i < shown.size(); i++) {
      Slice s = shown.get(i);
      long t0 = System.nanoTime();
      OverlapTile.predict(s.image(), s.width(), s.height(), cfg.model(), counting, OverlapTile.Plan.onePass());
      seconds += (System.nanoTime() - t0) / 1e9;
      reference[i] = matmul.seconds();
    }
    double rate = Reference.gflops(reference);
    double perSlice = seconds / shown.size();
    double tilesPerSlice = (double) counter[0] / shown.size();
    double coveringFlops = Flops.forward(cfg.model(), cfg.model().inputCovering(Math.max(first.width(), first.height())));
    put("inference_tile_px", input, "inference: %.0f px tiles (the smallest valid tile covering a slice)");
    put("inference_tiles_per_second", counter[0] / seconds, "           %.2f tiles/s");
    put("inference_slices_per_second", 1 / perSlice, "           %.2f slices/s (" + first.width() + "×" + first.height() + ")");
    put("inference_flops_over_covering_tile", tilesPerSlice * tileFlops / coveringFlops,
        "           %.2f× the FLOPs of the smallest valid tile covering the slice");
    put("inference_matmul_gflops", rate, "           matmul between the slices: %.1f GFLOP/s");
    put("inference_fraction_of_matmul", tilesPerSlice * tileFlops / perSlice / 1e9 / rate,
        "           %.2f of the matmul rate");
    int[] all = IntStream.range(0, Dihedral.ORDER).toArray();
    long t0 = System.nanoTime();
    OverlapTile.predictAveraged(first.image(), first.width(), first.height(), cfg.model(), graph,
        OverlapTile.Plan.onePass(), all);
    put("inference_tta8_slices_per_second", 1 / ((System.nanoTime() - t0) / 1e9),
        "           %.3f slices/s with 8-fold test-time augmentation");
    List<float[]> images = shown.stream().filter(s -> s.width() == first.width() && s.height() == first.height())
        .map(Slice::image).toList();
    VolumeBench.Result volume = VolumeBench.measure(cfg.model(), cfg.data().classes(), graph, images, first.width(),
        first.height(), 8, OverlapTile.Plan.onePass(), 2, 3);
    put("volume_voxels_per_second", volume.volumeVoxelsPerSecond(), "volume: %.0f voxels/s block by block (blocks of "
        + Arrays.toString(volume.block()) + ", Zarr in and out, 2 workers)");
    put("volume_fraction_of_slice_rate", volume.fraction(), "        %.2f of the rate predicting the slices whole");
  }

  /**
   * The trained weights exported and run as predict runs them: the SavedModel's own (plain) graph,
   * the graph rebuilt for this runtime from its variables (what predict does), and ONNX Runtime;
   * then the cells as objects of one slice (instance segmentation, one core).
   */
  private void deployed(RunConfig cfg, TrainingGraph graph, TrainingSet data) {
    Path dir = AtomicFiles.scratchFolder("unet-tf-bench-export");
    try {
      String prefix = dir.resolve("checkpoint").resolve("ckpt").toString();
      graph.save(prefix);
      ModelCard card = ModelCard.of(cfg.model(), cfg.data().classes(), data.normalization(), Map.of())
          .withCalibration(cfg.weights().calibration(data.classWeights()));
      Path savedModel = Exporter.export(card, prefix, dir.resolve("savedmodel"), 1, cfg.runtime());
      Slice slice = data.validation().get(0);
      float[] probabilities;
      try (Predictor exported = SavedModelPredictor.asExported(savedModel, cfg.runtime());
          Predictor rebuilt = SavedModelPredictor.load(savedModel, cfg.runtime())) {
        put("savedmodel_exported_slices_per_second", slicesPerSecond(exported, cfg, slice),
            "SavedModel as exported (the plain graph): %.2f slices/s");
        put("savedmodel_rebuilt_slices_per_second", slicesPerSecond(rebuilt, cfg, slice),
            "           rebuilt for this runtime, as predict runs it: %.2f slices/s");
        probabilities = OverlapTile.predict(slice.image(), slice.width(), slice.height(), cfg.model(), rebuilt,
            OverlapTile.Plan.onePass());
      }
      if (Precisions.of(cfg.runtime()) == RuntimeConfig.Precision.FP32 && !cfg.runtime().gpu()) {
        Path onnx = OnnxExporter.export(card, prefix, dir.resolve("model.onnx"), OnnxExporter.Variant.SERVING_DEFAULT,
            OnnxExporter.DEFAULT_OPSET, cfg.runtime());
        try (Predictor runtime = OnnxPredictor.load(onnx, cfg.runtime())) {
          put("onnx_runtime_slices_per_second", slicesPerSecond(runtime, cfg, slice),
              "ONNX Runtime (fp32, the same weights): %.2f slices/s");
        }
      }
      // The flood's loops are compiled fully only after some tens of slices (measured on one core: about
      // 60 calls), so fewer warm-ups would time the JIT, 2-3x the steady time that a volume's slices take.
      double[] times = new double[15];
      for (int i = -60; i < times.length; i++) {
        long t0 = System.nanoTime();
        CellInstances.of(probabilities, cfg.model().classes(), slice.width(), slice.height(),
            Instances.Parameters.defaults());
        if (i >= 0) {
          times[i] = (System.nanoTime() - t0) / 1e6;
        }
      }
      put("instances_ms_per_slice", median(times), "cells as objects (seeded watershed): %.1f ms per "
          + slice.width() + "×" + slice.height() + " slice (one core)");
    } finally {
      AtomicFiles.deleteQuietly(dir);
    }
  }

  /** Slices per second over {@code slices} predictions of {@code slice}, after one to warm up. */
  private double slicesPerSecond(Predictor model, RunConfig cfg, Slice slice) {
    OverlapTile.predict(slice.image(), slice.width(), slice.height(), cfg.model(), model, OverlapTile.Plan.onePass());
    double[] times = new double[Math.max(3, slices)];
    for (int i = 0; i < times.length; i++) {
      long t0 = System.nanoTime();
      OverlapTile.predict(slice.image(), slice.width(), slice.height(), cfg.model(), model, OverlapTile.Plan.onePass());
      times[i] = (System.nanoTime() - t0) / 1e9;
    }
    return 1 / median(times);
  }

  private List<Sample> syntheticBatch(RunConfig cfg) {
    int in = cfg.tile().size();
    int out = cfg.outputTile();
    SplittableRandom random = new SplittableRandom(1);
    List<Sample> batch = new ArrayList<>();
    for (int b = 0; b < cfg.train().batch(); b++) {
      float[] image = new float[in * in * cfg.model().channels()];
      for (int i = 0; i < image.length; i++) {
        image[i] = (float) random.nextDouble();
      }
      byte[] labels = new byte[out * out];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = (byte) random.nextInt(cfg.model().classes());
      }
      float[] weights = new float[out * out];
      Arrays.fill(weights, 1f);
      batch.add(new Sample(0, in, out, image, labels, weights));
    }
    return batch;
  }

  private void put(String key, double value, String format) {
    Figure figure = new Figure(key, value, format);
    figures.add(figure);
    values.put(key, value);
    log.accept(figure.line());
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** Peak resident set size of this process (Linux's VmHWM), or NaN elsewhere. */
  static double peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Double.parseDouble(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // Not Linux.
    }
    return Double.NaN;
  }
}
