package org.unettf.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.unettf.model.GraphChecks.assertClose;
import static org.unettf.model.GraphChecks.gaussian;
import static org.unettf.model.GraphChecks.gradients;
import static org.unettf.model.GraphChecks.projection;
import static org.unettf.model.GraphChecks.values;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.unettf.config.ModelConfig.Padding;

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
      Operand<TFloat32> trained = Tuning.oneDnnFp32(true).bias(tf, x, bias, Mode.TRAIN);
      Operand<TFloat32> plain = tf.nn.biasAdd(x, bias);
      assertEquals("BiasAddV1", trained.op().type());
      assertEquals("BiasAdd", Tuning.plain().bias(tf, x, bias, Mode.TRAIN).op().type(), "untuned: as usual");
      assertEquals("BiasAdd", Tuning.oneDnnFp32(true).bias(tf, x, bias, Mode.INFER).op().type());
      Operand<TFloat32> projection = projection(tf, plain, 1, 2);
      Output<?>[] trainedGrads = gradients(g, tf, trained, projection, x, bias);
      List<String> types = new ArrayList<>();
      for (Iterator<GraphOperation> it = g.operations(); it.hasNext(); ) {
        types.add(it.next().type());
      }
      assertFalse(types.contains("BiasAddGrad"), "the training bias's gradient is no BiasAddGrad: " + types);
      Output<?>[] plainGrads = gradients(g, tf, plain, projection, x, bias);
      s.initialize();
      try (TFloat32 in = Tensors.floats(gaussian(2 * 5 * 6 * 3, 3), 2, 5, 6, 3)) {
        List<float[]> expected = values(s, x, in, plain, plainGrads);
        assertEquals(dims[3], expected.get(2).length);
        assertClose(expected, values(s, x, in, trained, trainedGrads), List.of("values", "d/dx", "d/dbias"),
            0f, 1e-6f, 1e-4f);
      }
    }
  }

  @ParameterizedTest(name = "{0} padding")
  @EnumSource(Padding.class)
  void trainingConvBiasReluIsOneOpWithTheCompositionsValueAndGradients(Padding padding) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, 3)));
      Tuning tuned = Tuning.oneDnnFp32(true);
      Variable<TFloat32> kernel = Layers.initialised(tf, 1).kernel("kernel", 3, 3, 4);
      // A spread of biases, so that the ReLU cuts a good share of every channel.
      Variable<TFloat32> bias = tf.variable(tf.constant(new float[] {0.8f, -0.5f, 0f, -1.5f}));
      Operand<TFloat32> fused = tuned.convBiasRelu(tf, x, kernel, bias, padding, Mode.TRAIN);
      Operand<TFloat32> plain = tf.nn.relu(tf.nn.biasAdd(LayerOps.conv(tf, x, kernel, padding), bias));
      assertEquals("_FusedConv2D", fused.op().type());
      assertEquals("Relu", tuned.convBiasRelu(tf, x, kernel, bias, padding, Mode.INFER).op().type(),
          "inference graphs leave the fusing to TensorFlow");
      assertEquals("Relu", Tuning.plain().convBiasRelu(tf, x, kernel, bias, padding, Mode.TRAIN).op().type(),
          "untuned: as usual");
      Operand<TFloat32> projection = projection(tf, plain, 1, 2);
      Output<?>[] fusedGrads = gradients(g, tf, fused, projection, x, kernel, bias);
      Output<?>[] plainGrads = gradients(g, tf, plain, projection, x, kernel, bias);
      s.initialize();
      try (TFloat32 in = Tensors.floats(gaussian(2 * 9 * 7 * 3, 4), 2, 9, 7, 3)) {
        List<float[]> expected = values(s, x, in, plain, plainGrads);
        float[] outputs = expected.get(0);
        long zeros = IntStream.range(0, outputs.length).filter(i -> outputs[i] == 0f).count();
        assertTrue(zeros > outputs.length / 5 && zeros < outputs.length * 4 / 5, "the ReLU cuts " + zeros);
        assertClose(expected, values(s, x, in, fused, fusedGrads), List.of("values", "d/dx", "d/dkernel", "d/dbias"),
            1e-5f, 1e-5f, 1e-4f, 1e-4f);
      }
    }
  }

  @ParameterizedTest(name = "tuned {0}")
  @ValueSource(booleans = {true, false})
  void upConvolutionIsTheStridedTransposedConvolution(boolean tuned) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, 6)));
      Variable<TFloat32> kernel = Layers.initialised(tf, 1).kernel("kernel", 2, 4, 6);
      Operand<TFloat32> up = (tuned ? Tuning.oneDnnFp32(true) : Tuning.plain()).upConv(tf, x, kernel);
      Operand<TInt32> shape = tf.shape(x);
      Operand<TFloat32> transposed = tf.nn.conv2dBackpropInput(
          tf.stack(List.of(Blocks.dim(tf, shape, 0), tf.math.mul(Blocks.dim(tf, shape, 1), tf.constant(2)),
              tf.math.mul(Blocks.dim(tf, shape, 2), tf.constant(2)), tf.constant(4))),
          kernel, x, List.of(1L, 2L, 2L, 1L), "VALID");
      assertEquals(tuned ? "DepthToSpace" : "Conv2DBackpropInput", up.op().type());
      Operand<TFloat32> projection = projection(tf, transposed, 3, 4);
      Output<?>[] upGrads = gradients(g, tf, up, projection, x, kernel);
      Output<?>[] transposedGrads = gradients(g, tf, transposed, projection, x, kernel);
      s.initialize();
      try (TFloat32 in = Tensors.floats(gaussian(2 * 5 * 3 * 6, 5), 2, 5, 3, 6)) {
        List<float[]> expected = values(s, x, in, transposed, transposedGrads);
        assertEquals(2 * 10 * 6 * 4, expected.get(0).length);
        assertClose(expected, values(s, x, in, up, upGrads), List.of("values", "d/dx", "d/dkernel"),
            1e-5f, 1e-5f, 1e-4f);
      }
    }
  }

}
