package org.unettf.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.unettf.config.ModelConfig;
import org.unettf.data.Normalization;

class RowHalvesTest {
  private static final int IN = 3;
  private static final int OUT = 4;

  @ParameterizedTest(name = "batch {0}, {1}×{2}, static shape {3}")
  @CsvSource({"1, 10, 9, true", "1, 10, 9, false", "1, 11, 7, true", "1, 11, 7, false", "2, 12, 5, false",
      "3, 9, 6, true", "1, 4, 4, false", "1, 3, 5, false"})
  void halvesGiveTheWholeImagesConvolutionAndGradients(int batch, int height, int width, boolean staticShape) {
    Gradients.register();
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class,
          Placeholder.shape(staticShape ? Shape.of(batch, height, width, IN) : Shape.of(-1, -1, -1, IN)));
      Variable<TFloat32> kernel = tf.variable(tf.random.statelessRandomNormal(
          tf.constant(new int[] {3, 3, IN, OUT}), tf.constant(new long[] {1, 2})));
      Variable<TFloat32> bias = tf.variable(tf.constant(new float[] {0.1f, -0.2f, 0.3f, 0f}));
      UnaryOperator<Operand<TFloat32>> block = in -> tf.nn.relu(
          tf.nn.biasAdd(tf.nn.conv2d(in, kernel, List.of(1L, 1L, 1L, 1L), "VALID"), bias));
      Operand<TFloat32> whole = block.apply(x);
      Operand<TFloat32> halves = RowHalves.apply(tf, x, block);
      // A random projection, so each output pixel's gradient differs.
      Operand<TFloat32> weights = tf.stopGradient(
          tf.random.statelessRandomNormal(tf.shape(whole), tf.constant(new long[] {3, 4})));
      Output<?>[] wholeGrads = g.addGradients(tf.reduceSum(tf.math.mul(whole, weights), tf.constant(new int[] {0, 1, 2, 3}))
          .asOutput(), new Output<?>[] {x.asOutput(), kernel.asOutput(), bias.asOutput()});
      Output<?>[] halfGrads = g.addGradients(tf.reduceSum(tf.math.mul(halves, weights), tf.constant(new int[] {0, 1, 2, 3}))
          .asOutput(), new Output<?>[] {x.asOutput(), kernel.asOutput(), bias.asOutput()});
      s.initialize();
      float[] input = random(batch * height * width * IN, 5);
      try (TFloat32 in = Tensors.floats(input, batch, height, width, IN);
          Result r = s.runner().feed(x, in).fetch(whole).fetch(halves)
              .fetch(wholeGrads[0]).fetch(halfGrads[0])
              .fetch(wholeGrads[1]).fetch(halfGrads[1])
              .fetch(wholeGrads[2]).fetch(halfGrads[2]).run()) {
        assertEquals(Shape.of(batch, height - 2, width - 2, OUT), r.get(1).shape());
        float[] expected = Tensors.read((TFloat32) r.get(0));
        assertTrue(positives(expected) > expected.length / 4, "the ReLU passes a good share of the outputs");
        assertArrayEquals(expected, Tensors.read((TFloat32) r.get(1)), 1e-5f, "outputs");
        assertArrayEquals(Tensors.read((TFloat32) r.get(2)), Tensors.read((TFloat32) r.get(3)), 1e-4f, "d/dx");
        assertArrayEquals(Tensors.read((TFloat32) r.get(4)), Tensors.read((TFloat32) r.get(5)), 1e-3f, "d/dkernel");
        assertArrayEquals(Tensors.read((TFloat32) r.get(6)), Tensors.read((TFloat32) r.get(7)), 1e-3f, "d/dbias");
      }
    }
  }

  @ParameterizedTest(name = "batch norm {0}")
  @ValueSource(booleans = {true, false})
  void aTunedUNetWithRowHalvesEverywhereComputesTheSameLogitsAndGradients(boolean batchNorm) {
    // In training mode, batch norm's statistics and dropout's masks must not see the halves;
    // without batch norm, convolution, bias and ReLU are one op with its own gradient.
    ModelConfig spec = new ModelConfig(3, 4, ModelConfig.Padding.VALID, batchNorm, 0.5, 2, 1);
    int input = 44;
    float[] image = random(2 * input * input, 7);
    List<float[]> plain = logitsAndGradients(spec, input, image, Long.MAX_VALUE);
    List<float[]> halved = logitsAndGradients(spec, input, image, 0);
    assertEquals(plain.size(), halved.size());
    for (int i = 0; i < plain.size(); i++) {
      assertArrayEquals(plain.get(i), halved.get(i), 1e-3f, i == 0 ? "logits" : "gradient " + i);
    }
  }

  @Test
  void onlyWideValidConvolutionsRunOnHalves() {
    try (Graph g = new Graph()) {
      Layers layers = Layers.restorable(Ops.create(g));
      Layers on = layers.forOneDnnFp32(true);
      assertTrue(on.rowHalves(1024, 512, "VALID"));
      assertTrue(on.rowHalves(256, 256, "VALID"));
      assertTrue(!on.rowHalves(256, 128, "VALID"), "narrow layers are as fast either way");
      assertTrue(!on.rowHalves(1024, 512, "SAME"), "a same-padded half would see zeros at the seam");
      assertTrue(!layers.rowHalves(1024, 512, "VALID"), "off unless asked for");
      assertTrue(!layers.forOneDnnFp32(false).rowHalves(1024, 1024, "VALID"));
    }
  }

  private static List<float[]> logitsAndGradients(ModelConfig spec, int input, float[] image, long from) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(2, input, input, 1)));
      Layers layers = Layers.initialised(tf, 3);
      // The tuned network (fused convolutions, up-convolutions as matrix products, bias gradients
      // apart), with row halves from the given width on.
      layers = from == Long.MAX_VALUE ? layers : layers.forOneDnnFp32(true).withRowHalvesFrom(from);
      UNet net = UNet.build(layers, spec, new Normalization(0.5, 0.2));
      Operand<TInt64> seed = tf.constant(new long[] {9, 1});
      Operand<TFloat32> logits = net.logits(x, Mode.TRAIN, seed, new ArrayList<>());
      Operand<TFloat32> projection = tf.stopGradient(
          tf.random.statelessRandomNormal(tf.shape(logits), tf.constant(new long[] {5, 6})));
      List<Variable<TFloat32>> variables = net.trainableVariables();
      Output<?>[] grads = g.addGradients(
          tf.reduceSum(tf.math.mul(logits, projection), tf.constant(new int[] {0, 1, 2, 3})).asOutput(),
          variables.stream().map(Variable::asOutput).toArray(Output<?>[]::new));
      s.initialize();
      try (TFloat32 in = Tensors.floats(image, 2, input, input, 1)) {
        Session.Runner runner = s.runner().feed(x, in).fetch(logits);
        for (Output<?> grad : grads) {
          runner.fetch(grad);
        }
        try (Result r = runner.run()) {
          List<float[]> values = new ArrayList<>();
          for (int i = 0; i < r.size(); i++) {
            values.add(Tensors.read((TFloat32) r.get(i)));
          }
          return values;
        }
      }
    }
  }

  private static float[] random(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) random.nextDouble();
    }
    return values;
  }

  private static int positives(float[] values) {
    int n = 0;
    for (float v : values) {
      n += v > 0 ? 1 : 0;
    }
    return n;
  }
}
