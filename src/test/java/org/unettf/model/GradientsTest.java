package org.unettf.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

class GradientsTest {
  @ParameterizedTest(name = "static shape {0}")
  @ValueSource(booleans = {true, false})
  void trainingBiasHasBiasAddsValueAndGradientsWithoutBiasAddGrad(boolean staticShape) {
    Gradients.register();
    int[] dims = {2, 5, 6, 3};
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class,
          Placeholder.shape(staticShape ? Shape.of(2, 5, 6, 3) : Shape.of(-1, -1, -1, 3)));
      Variable<TFloat32> bias = tf.variable(tf.constant(new float[] {0.5f, -1f, 2f}));
      Operand<TFloat32> trained = Layers.initialised(tf, 1).forOneDnnFp32(true).bias(x, bias, Mode.TRAIN);
      Operand<TFloat32> plain = tf.nn.biasAdd(x, bias);
      assertEquals("BiasAddV1", trained.op().type());
      assertEquals("BiasAdd", Layers.initialised(tf, 1).bias(x, bias, Mode.TRAIN).op().type(), "untuned: as usual");
      assertEquals("BiasAdd", Layers.initialised(tf, 1).forOneDnnFp32(true).bias(x, bias, Mode.INFER).op().type());
      Operand<TFloat32> projection = tf.stopGradient(
          tf.random.statelessRandomNormal(tf.shape(plain), tf.constant(new long[] {1, 2})));
      Output<?>[] trainedGrads = gradients(g, tf, trained, projection, x, bias);
      List<String> types = new ArrayList<>();
      for (Iterator<GraphOperation> it = g.operations(); it.hasNext(); ) {
        types.add(it.next().type());
      }
      assertFalse(types.contains("BiasAddGrad"), "the training bias's gradient is no BiasAddGrad: " + types);
      Output<?>[] plainGrads = gradients(g, tf, plain, projection, x, bias);
      s.initialize();
      try (TFloat32 in = Tensors.floats(gaussian(2 * 5 * 6 * 3, 3), 2, 5, 6, 3);
          Result r = s.runner().feed(x, in).fetch(trained).fetch(plain)
              .fetch(trainedGrads[0]).fetch(plainGrads[0]).fetch(trainedGrads[1]).fetch(plainGrads[1]).run()) {
        assertArrayEquals(Tensors.read((TFloat32) r.get(1)), Tensors.read((TFloat32) r.get(0)), 0f, "values");
        assertArrayEquals(Tensors.read((TFloat32) r.get(3)), Tensors.read((TFloat32) r.get(2)), 1e-6f, "d/dx");
        float[] expected = Tensors.read((TFloat32) r.get(5));
        assertEquals(dims[3], expected.length);
        assertArrayEquals(expected, Tensors.read((TFloat32) r.get(4)), 1e-4f, "d/dbias");
      }
    }
  }

  @ParameterizedTest(name = "{0} padding")
  @ValueSource(strings = {"VALID", "SAME"})
  void trainingConvBiasReluIsOneOpWithTheCompositionsValueAndGradients(String padding) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, 3)));
      Layers layers = Layers.initialised(tf, 1).forOneDnnFp32(true);
      Variable<TFloat32> kernel = layers.kernel("kernel", 3, 3, 4);
      // A spread of biases, so that the ReLU cuts a good share of every channel.
      Variable<TFloat32> bias = tf.variable(tf.constant(new float[] {0.8f, -0.5f, 0f, -1.5f}));
      Operand<TFloat32> fused = layers.convBiasRelu(x, kernel, bias, padding, Mode.TRAIN);
      Operand<TFloat32> plain = tf.nn.relu(tf.nn.biasAdd(layers.conv(x, kernel, padding), bias));
      assertEquals("_FusedConv2D", fused.op().type());
      assertEquals("Relu", layers.convBiasRelu(x, kernel, bias, padding, Mode.INFER).op().type(),
          "inference graphs leave the fusing to TensorFlow");
      assertEquals("Relu", Layers.initialised(tf, 1).convBiasRelu(x, kernel, bias, padding, Mode.TRAIN).op().type(),
          "untuned: as usual");
      Operand<TFloat32> projection = tf.stopGradient(
          tf.random.statelessRandomNormal(tf.shape(plain), tf.constant(new long[] {1, 2})));
      Output<?>[] fusedGrads = gradients(g, tf, fused, projection, x, kernel, bias);
      Output<?>[] plainGrads = gradients(g, tf, plain, projection, x, kernel, bias);
      s.initialize();
      try (TFloat32 in = Tensors.floats(gaussian(2 * 9 * 7 * 3, 4), 2, 9, 7, 3);
          Result r = s.runner().feed(x, in).fetch(fused).fetch(plain)
              .fetch(fusedGrads[0]).fetch(plainGrads[0]).fetch(fusedGrads[1]).fetch(plainGrads[1])
              .fetch(fusedGrads[2]).fetch(plainGrads[2]).run()) {
        float[] expected = Tensors.read((TFloat32) r.get(1));
        long zeros = IntStream.range(0, expected.length).filter(i -> expected[i] == 0f).count();
        assertTrue(zeros > expected.length / 5 && zeros < expected.length * 4 / 5, "the ReLU cuts " + zeros);
        assertArrayEquals(expected, Tensors.read((TFloat32) r.get(0)), 1e-5f, "values");
        assertArrayEquals(Tensors.read((TFloat32) r.get(3)), Tensors.read((TFloat32) r.get(2)), 1e-5f, "d/dx");
        assertArrayEquals(Tensors.read((TFloat32) r.get(5)), Tensors.read((TFloat32) r.get(4)), 1e-4f, "d/dkernel");
        assertArrayEquals(Tensors.read((TFloat32) r.get(7)), Tensors.read((TFloat32) r.get(6)), 1e-4f, "d/dbias");
      }
    }
  }

  @ParameterizedTest(name = "tuned {0}")
  @ValueSource(booleans = {true, false})
  void upConvolutionIsTheStridedTransposedConvolution(boolean tuned) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, 6)));
      Layers layers = Layers.initialised(tf, 1).forOneDnnFp32(tuned);
      Variable<TFloat32> kernel = layers.kernel("kernel", 2, 4, 6);
      Operand<TFloat32> up = layers.upConv(x, kernel);
      Operand<TInt32> shape = tf.shape(x);
      Operand<TFloat32> transposed = tf.nn.conv2dBackpropInput(
          tf.stack(List.of(Blocks.dim(tf, shape, 0), tf.math.mul(Blocks.dim(tf, shape, 1), tf.constant(2)),
              tf.math.mul(Blocks.dim(tf, shape, 2), tf.constant(2)), tf.constant(4))),
          kernel, x, List.of(1L, 2L, 2L, 1L), "VALID");
      assertEquals(tuned ? "DepthToSpace" : "Conv2DBackpropInput", up.op().type());
      Operand<TFloat32> projection = tf.stopGradient(
          tf.random.statelessRandomNormal(tf.shape(transposed), tf.constant(new long[] {3, 4})));
      Output<?>[] upGrads = gradients(g, tf, up, projection, x, kernel);
      Output<?>[] transposedGrads = gradients(g, tf, transposed, projection, x, kernel);
      s.initialize();
      try (TFloat32 in = Tensors.floats(gaussian(2 * 5 * 3 * 6, 5), 2, 5, 3, 6);
          Result r = s.runner().feed(x, in).fetch(up).fetch(transposed)
              .fetch(upGrads[0]).fetch(transposedGrads[0]).fetch(upGrads[1]).fetch(transposedGrads[1]).run()) {
        float[] expected = Tensors.read((TFloat32) r.get(1));
        assertEquals(2 * 10 * 6 * 4, expected.length);
        assertArrayEquals(expected, Tensors.read((TFloat32) r.get(0)), 1e-5f, "values");
        assertArrayEquals(Tensors.read((TFloat32) r.get(3)), Tensors.read((TFloat32) r.get(2)), 1e-5f, "d/dx");
        assertArrayEquals(Tensors.read((TFloat32) r.get(5)), Tensors.read((TFloat32) r.get(4)), 1e-4f, "d/dkernel");
      }
    }
  }

  private static float[] gaussian(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }

  private static Output<?>[] gradients(Graph g, Ops tf, Operand<TFloat32> y, Operand<TFloat32> projection,
      Operand<?>... xs) {
    Operand<TFloat32> objective = tf.reduceSum(tf.math.mul(y, projection), tf.constant(new int[] {0, 1, 2, 3}));
    return g.addGradients(objective.asOutput(), Arrays.stream(xs).map(Operand::asOutput).toArray(Output<?>[]::new));
  }
}
