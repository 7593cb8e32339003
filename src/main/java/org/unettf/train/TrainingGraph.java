package org.unettf.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.framework.optimizers.Adam;
import org.tensorflow.framework.optimizers.Momentum;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.AssignAdd;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;
import org.tensorflow.types.family.TType;
import org.unettf.config.ModelConfig;
import org.unettf.config.RunConfig;
import org.unettf.config.TrainConfig;
import org.unettf.data.Normalization;
import org.unettf.data.OverlapTile;
import org.unettf.data.Sample;
import org.unettf.model.Gradients;
import org.unettf.model.Layers;
import org.unettf.model.Loss;
import org.unettf.model.Mode;
import org.unettf.model.Sessions;
import org.unettf.model.Tensors;
import org.unettf.model.Tuning;
import org.unettf.model.UNet;

/**
 * The training graph and its session, built once: a fixed-size batch through the U-Net to the
 * weighted loss, its gradients and the optimizer's update, plus an any-size evaluation head that
 * shares the variables (for validation over whole slices).
 */
public final class TrainingGraph implements AutoCloseable, OverlapTile.TileModel {
  private final Graph graph;
  private final Session session;
  private final ModelConfig spec;
  private final int batch;
  private final int inputSize;
  private final int outputSize;
  private final Placeholder<TFloat32> image;
  private final Placeholder<TUint8> labels;
  private final Placeholder<TFloat32> weights;
  private final Placeholder<TInt64> stepSeed;
  private final Operand<TFloat32> loss;
  private final Operand<TFloat32> gradientNorm;
  private final Operand<TFloat32> trainProbabilities;
  private final Op train;
  private final Variable<TInt64> globalStep;
  private final Placeholder<TFloat32> evalImage;
  private final Operand<TFloat32> evalProbabilities;
  private final List<Variable<TFloat32>> variables;
  /** With train.ema_decay: the average's update after each step, and the swap of average and weights. */
  private final Op averageStep;
  private final Op swap;

  /**
   * Losses and the global gradient norm of one step. A step whose loss or gradient norm is not
   * finite applied a zero gradient: no NaN reaches the weights through it.
   */
  public record StepResult(float loss, float gradientNorm, float[] probabilities) {
    public boolean finite() {
      return Float.isFinite(loss) && Float.isFinite(gradientNorm);
    }
  }

  public TrainingGraph(RunConfig config, Normalization normalization) {
    this(config, normalization, null);
  }

  /**
   * @param calibration class weights to divide out of the evaluation head's probabilities (see
   *     {@link Loss#probabilities}), or null for the plain softmax
   */
  public TrainingGraph(RunConfig config, Normalization normalization, double[] calibration) {
    Gradients.register();
    this.spec = config.model();
    this.batch = config.train().batch();
    this.inputSize = config.tile().size();
    this.outputSize = config.outputTile();
    this.graph = new Graph();
    try {
      Ops root = Ops.create(graph);
      DeviceSpec device = Sessions.device(config.runtime());
      Ops tf = device == null ? root : root.withDevice(device);
      int channels = spec.channels();
      image = tf.withName("image").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(batch, inputSize, inputSize, channels)));
      labels = tf.withName("labels").placeholder(TUint8.class, Placeholder.shape(Shape.of(batch, outputSize, outputSize)));
      weights = tf.withName("weights").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(batch, outputSize, outputSize)));
      stepSeed = tf.withName("step_seed").placeholder(TInt64.class, Placeholder.shape(Shape.of(2)));

      UNet net = UNet.build(Layers.initialised(tf, config.train().seed()), spec, normalization,
          Tuning.of(config.runtime()));
      variables = net.allVariables();
      List<Variable<TFloat32>> trainable = net.trainableVariables();
      Output<?>[] variableOutputs = trainable.stream().map(Variable::asOutput).toArray(Output<?>[]::new);
      List<Op> updates = new ArrayList<>();
      List<DeviceSpec> towers = Sessions.towers(config.runtime());
      int share = batch / towers.size();
      Operand<TFloat32> totalWeight = Loss.totalWeight(tf, weights);
      TrainConfig.LossKind kind = config.train().loss();
      List<Operand<TFloat32>> shares = new ArrayList<>();
      List<Loss.DiceSums> diceSums = new ArrayList<>();
      List<Operand<TFloat32>> towerProbabilities = new ArrayList<>();
      for (int t = 0; t < towers.size(); t++) {
        Ops tower = towers.get(t) == null ? root : root.withDevice(towers.get(t));
        tower = towers.size() == 1 ? tower : tower.withSubScope("tower" + t);
        Operand<TFloat32> logits = net.logits(part(tower, image, t, share), Mode.TRAIN, stepSeed, updates);
        Operand<TInt32> classes = tower.dtypes.cast(part(tower, labels, t, share), TInt32.class);
        Operand<TFloat32> probabilities = tower.nn.softmax(logits);
        towerProbabilities.add(probabilities);
        // Each tower's part of the cross-entropy is divided by the whole batch's weight, so the parts add up.
        shares.add(kind.crossEntropy()
            ? Loss.crossEntropyShare(tower, logits, classes, part(tower, weights, t, share), spec.classes(), totalWeight)
            : tower.constant(0f));
        if (kind.dice()) {
          diceSums.add(Loss.diceSums(tower, probabilities, classes, spec.classes()));
        }
      }
      List<Operand<TFloat32>> objectives = new ArrayList<>(shares);
      Operand<TFloat32> total = shares.size() == 1 ? shares.get(0) : tf.math.addN(shares);
      if (kind.dice()) {
        Loss.DiceSums sums = new Loss.DiceSums(
            sum(tf, diceSums.stream().map(Loss.DiceSums::intersection).toList()),
            sum(tf, diceSums.stream().map(Loss.DiceSums::sizes).toList()));
        Operand<TFloat32> dice = Loss.dice(tf, sums);
        total = tf.math.add(total, dice);
        // Dice is no sum over pixels, so each tower gets a surrogate with its share of the gradient:
        // its own sums, weighted by the (constant) slopes of the batch's Dice loss in the batch's sums.
        Output<?>[] slopes = graph.addGradients(dice.asOutput(),
            new Output<?>[] {sums.intersection().asOutput(), sums.sizes().asOutput()});
        Operand<TFloat32> dIntersection = tf.stopGradient(floats(slopes[0]));
        Operand<TFloat32> dSizes = tf.stopGradient(floats(slopes[1]));
        Operand<TInt32> byClass = tf.constant(0);
        for (int t = 0; t < towers.size(); t++) {
          Loss.DiceSums own = diceSums.get(t);
          objectives.set(t, tf.math.add(objectives.get(t), tf.math.add(
              tf.reduceSum(tf.math.mul(dIntersection, own.intersection()), byClass),
              tf.reduceSum(tf.math.mul(dSizes, own.sizes()), byClass))));
        }
      }
      List<List<Operand<TFloat32>>> towerGradients = new ArrayList<>();
      for (Operand<TFloat32> objective : objectives) {
        List<Operand<TFloat32>> gradients = new ArrayList<>();
        for (Output<?> g : graph.addGradients(objective.asOutput(), variableOutputs)) {
          gradients.add(floats(g));
        }
        towerGradients.add(gradients);
      }
      loss = tf.withName("loss").identity(total);
      trainProbabilities = towers.size() == 1
          ? towerProbabilities.get(0)
          : tf.concat(towerProbabilities, tf.constant(0));
      List<Operand<TFloat32>> summed = new ArrayList<>();
      List<Operand<TFloat32>> squares = new ArrayList<>();
      for (int i = 0; i < trainable.size(); i++) {
        List<Operand<TFloat32>> perTower = new ArrayList<>();
        for (List<Operand<TFloat32>> gradients : towerGradients) {
          perTower.add(gradients.get(i));
        }
        // The towers' losses add up to the batch's loss, so their gradients add up to its gradient.
        Operand<TFloat32> g = perTower.size() == 1 ? perTower.get(0) : tf.math.addN(perTower);
        summed.add(g);
        squares.add(tf.math.mul(tf.constant(2f), tf.nn.l2Loss(g)));
      }
      gradientNorm = tf.withName("gradient_norm").math.sqrt(tf.math.addN(squares));
      // A step whose loss or gradient is not finite anywhere applies a zero gradient everywhere: one
      // NaN would otherwise spread through the optimizer's moments into every weight (see Trainer).
      Operand<TBool> finite = tf.withName("step_finite").math.logicalAnd(tf.math.isFinite(gradientNorm),
          tf.math.isFinite(total));
      List<Optimizer.GradAndVar<? extends TType>> pairs = new ArrayList<>();
      for (int i = 0; i < trainable.size(); i++) {
        Operand<TFloat32> g = summed.get(i);
        pairs.add(new Optimizer.GradAndVar<>(tf.select(finite, g, tf.zerosLike(g)).asOutput(),
            trainable.get(i).asOutput()));
      }
      globalStep = root.withName("global_step").variable(root.constant(0L));
      Optimizer optimizer = optimizer(graph, root, config.train(), globalStep);
      Op apply = optimizer.applyGradients(pairs, "train");
      List<Op> stepOps = new ArrayList<>(updates);
      stepOps.add(apply);
      AssignAdd<TInt64> stepped = root.withControlDependencies(stepOps).withName("train_step")
          .assignAdd(globalStep, root.constant(1L));
      train = stepped;
      Op start = null;
      if (config.train().averaged()) {
        Ops after = root.withControlDependencies(List.of(train));
        // The same rule as TrainConfig.emaDecayAt, on the step just taken (1-based).
        Operand<TFloat32> t = after.dtypes.cast(stepped, TFloat32.class);
        Operand<TFloat32> decay = after.math.minimum(after.constant((float) config.train().emaDecay()),
            after.math.div(after.math.add(t, after.constant(1f)), after.math.add(t, after.constant(10f))));
        Operand<TFloat32> rest = after.math.sub(after.constant(1f), decay);
        List<Op> starts = new ArrayList<>();
        List<Op> steps = new ArrayList<>();
        List<Op> swaps = new ArrayList<>();
        for (Variable<TFloat32> v : trainable) {
          // "held": the set of weights out of the network, the average while training steps run.
          Variable<TFloat32> held = root.withName(v.op().name() + ".held").variable(v.shape(), TFloat32.class);
          starts.add(root.assign(held, v));
          steps.add(after.assign(held, after.math.add(after.math.mul(held, decay), after.math.mul(v, rest))));
          // Copies, not reads: an Identity of a variable shares its buffer, which the assignments overwrite.
          Operand<TFloat32> live = root.deepCopy(v);
          Operand<TFloat32> average = root.deepCopy(held);
          Ops copied = root.withControlDependencies(List.of(live, average));
          swaps.add(copied.assign(v, average));
          swaps.add(copied.assign(held, live));
        }
        start = root.withControlDependencies(starts).withName("start_average").noOp();
        averageStep = root.withControlDependencies(steps).withName("average_step").noOp();
        swap = root.withControlDependencies(swaps).withName("swap_average").noOp();
      } else {
        averageStep = train;
        swap = null;
      }

      evalImage = tf.withName("eval_image").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, -1, -1, channels)));
      evalProbabilities = Loss.probabilities(tf.withName("eval_probabilities"),
          net.logits(evalImage, Mode.INFER, null, null), calibration);
      session = new Session(graph, Sessions.config(config.runtime()));
      session.initialize();
      if (start != null) {
        session.runner().addTarget(start).run();
      }
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  @SuppressWarnings("unchecked")
  private static Output<TFloat32> floats(Output<?> output) {
    return (Output<TFloat32>) output;
  }

  private static Operand<TFloat32> sum(Ops tf, List<Operand<TFloat32>> parts) {
    return parts.size() == 1 ? parts.get(0) : tf.math.addN(parts);
  }

  /** Tower {@code t}'s share of a batch: {@code share} samples from {@code t·share} on. */
  private static <T extends TType> Operand<T> part(Ops tf, Operand<T> batched, int t, int share) {
    int rank = batched.shape().numDimensions();
    int[] begin = new int[rank];
    int[] size = new int[rank];
    Arrays.fill(size, -1);
    begin[0] = t * share;
    size[0] = share;
    return tf.slice(batched, tf.constant(begin), tf.constant(size));
  }

  private static Optimizer optimizer(Graph graph, Ops tf, TrainConfig train, Variable<TInt64> globalStep) {
    if (train.optimizer() == TrainConfig.Optimizer.ADAM) {
      return new Adam(graph, (float) train.learningRate());
    }
    if (train.lrDecaySteps().isEmpty()) {
      return new Momentum(graph, (float) train.learningRate(), (float) train.momentum());
    }
    // rate = learning_rate · factor^(boundaries passed), the same rule as TrainConfig.learningRateAt.
    long[] boundaries = train.lrDecaySteps().stream().mapToLong(Integer::longValue).toArray();
    Operand<TFloat32> passed = tf.sum(tf.dtypes.cast(tf.math.greaterEqual(globalStep, tf.constant(boundaries)),
        TFloat32.class), tf.constant(0));
    Operand<TFloat32> rate = tf.withName("learning_rate").math.mul(tf.constant((float) train.learningRate()),
        tf.math.pow(tf.constant((float) train.lrDecayFactor()), passed));
    return new ScheduledMomentum(graph, rate, (float) train.momentum());
  }

  /** One optimisation step on {@code samples}; fetches the batch's probabilities when asked. */
  public StepResult step(List<Sample> samples, long seed, long step, boolean withProbabilities) {
    try (var in = feed(samples);
        var seedTensor = Tensors.longs(seed, step)) {
      Session.Runner runner = session.runner()
          .feed(image, in.image())
          .feed(labels, in.labels())
          .feed(weights, in.weights())
          .feed(stepSeed, seedTensor)
          .addTarget(averageStep)
          .fetch(loss)
          .fetch(gradientNorm);
      if (withProbabilities) {
        runner.fetch(trainProbabilities);
      }
      try (Result result = runner.run()) {
        float lossValue = ((TFloat32) result.get(0)).getFloat();
        float norm = ((TFloat32) result.get(1)).getFloat();
        float[] probabilities = withProbabilities ? Tensors.read((TFloat32) result.get(2)) : null;
        return new StepResult(lossValue, norm, probabilities);
      }
    }
  }

  /** The device placement of a training step's ops, for the log. */
  public Map<String, Integer> placement(List<Sample> samples, long seed) {
    try (var in = feed(samples);
        var seedTensor = Tensors.longs(seed, 0)) {
      return Sessions.placement(session.runner()
          .feed(image, in.image())
          .feed(labels, in.labels())
          .feed(weights, in.weights())
          .feed(stepSeed, seedTensor)
          .fetch(loss));
    }
  }

  @Override
  public float[] predict(float[] tiles, int count, int size) {
    try (TFloat32 in = Tensors.floats(tiles, count, size, size, spec.channels());
        Result result = session.runner().feed(evalImage, in).fetch(evalProbabilities).run()) {
      return Tensors.read((TFloat32) result.get(0));
    }
  }

  public long globalStep() {
    try (Result result = session.runner().fetch(globalStep).run()) {
      return ((TInt64) result.get(0)).getLong();
    }
  }

  /**
   * Writes every variable, optimizer slots and global step included, to {@code prefix}. With
   * averaging the network's names hold the average, which every model made from the checkpoint
   * takes, and {@code <name>.held} the last step's weights, from which training resumes.
   */
  public void save(String prefix) {
    withAverage(() -> {
      session.save(prefix);
      return null;
    });
  }

  public void restore(String prefix) {
    session.restore(prefix);
    if (swap != null) {
      session.runner().addTarget(swap).run();
    }
  }

  /**
   * {@code work} with the averaged weights in the network (with train.ema_decay; the last step's
   * otherwise): validation scores the weights that checkpoints and exports will hold.
   */
  public <T> T withAverage(Supplier<T> work) {
    if (swap == null) {
      return work.get();
    }
    session.runner().addTarget(swap).run();
    try {
      return work.get();
    } finally {
      session.runner().addTarget(swap).run();
    }
  }

  /** Current values of the network's variables, by name, for histograms. */
  public Map<String, float[]> variableValues() {
    Map<String, float[]> values = new LinkedHashMap<>();
    for (Variable<TFloat32> v : variables) {
      try (Result result = session.runner().fetch(v).run()) {
        values.put(v.op().name(), Tensors.read((TFloat32) result.get(0)));
      }
    }
    return values;
  }

  public byte[] graphDef() {
    return graph.toGraphDef().toByteArray();
  }

  public int outputSize() {
    return outputSize;
  }

  public int inputSize() {
    return inputSize;
  }

  private record Feed(TFloat32 image, TUint8 labels, TFloat32 weights) implements AutoCloseable {
    @Override
    public void close() {
      image.close();
      labels.close();
      weights.close();
    }
  }

  private Feed feed(List<Sample> samples) {
    int in = inputSize * inputSize * spec.channels();
    int out = outputSize * outputSize;
    float[] images = new float[batch * in];
    byte[] classes = new byte[batch * out];
    float[] w = new float[batch * out];
    for (int b = 0; b < batch; b++) {
      // A short final batch repeats its first sample, so the graph's static shape holds.
      Sample s = samples.get(b < samples.size() ? b : 0);
      System.arraycopy(s.image(), 0, images, b * in, in);
      System.arraycopy(s.labels(), 0, classes, b * out, out);
      System.arraycopy(s.weights(), 0, w, b * out, out);
    }
    return new Feed(
        Tensors.floats(images, batch, inputSize, inputSize, spec.channels()),
        Tensors.bytes(classes, batch, outputSize, outputSize),
        Tensors.floats(w, batch, outputSize, outputSize));
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
