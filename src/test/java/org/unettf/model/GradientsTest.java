package org.unettf.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
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
      float[] input = new float[2 * 5 * 6 * 3];
      SplittableRandom random = new SplittableRandom(3);
      for (int i = 0; i < input.length; i++) {
        input[i] = (float) random.nextGaussian();
      }
      try (TFloat32 in = Tensors.floats(input, 2, 5, 6, 3);
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

  private static Output<?>[] gradients(Graph g, Ops tf, Operand<TFloat32> y, Operand<TFloat32> projection,
      Operand<TFloat32> x, Variable<TFloat32> bias) {
    Operand<TFloat32> objective = tf.reduceSum(tf.math.mul(y, projection), tf.constant(new int[] {0, 1, 2, 3}));
    return g.addGradients(objective.asOutput(), new Output<?>[] {x.asOutput(), bias.asOutput()});
  }
}
