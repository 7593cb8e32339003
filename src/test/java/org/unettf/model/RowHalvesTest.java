package org.unettf.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.unettf.model.GraphChecks.assertClose;
import static org.unettf.model.GraphChecks.gradients;
import static org.unettf.model.GraphChecks.projection;
import static org.unettf.model.GraphChecks.uniform;
import static org.unettf.model.GraphChecks.values;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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
import org.unettf.config.ModelConfig.Padding;
import org.unettf.config.RuntimeConfig;
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
      Operand<TFloat32> weights = projection(tf, whole, 3, 4);
      Output<?>[] wholeGrads = gradients(g, tf, whole, weights, x, kernel, bias);
      Output<?>[] halfGrads = gradients(g, tf, halves, weights, x, kernel, bias);
      s.initialize();
      float[] input = uniform(batch * height * width * IN, 5);
      try (TFloat32 in = Tensors.floats(input, batch, height, width, IN);
          Result r = s.runner().feed(x, in).fetch(halves).run()) {
        assertEquals(Shape.of(batch, height - 2, width - 2, OUT), r.get(0).shape());
        List<float[]> expected = values(s, x, in, whole, wholeGrads);
        assertTrue(positives(expected.get(0)) > expected.get(0).length / 4, "the ReLU passes a good share of the outputs");
        assertClose(expected, values(s, x, in, halves, halfGrads), List.of("outputs", "d/dx", "d/dkernel", "d/dbias"),
            1e-5f, 1e-4f, 1e-3f, 1e-3f);
      }
    }
  }

  @ParameterizedTest(name = "batch norm {0}, Winograd {1}")
  @CsvSource({"true, false", "false, false", "true, true", "false, true"})
  void aTunedUNetWithRowHalvesEverywhereComputesTheSameLogitsAndGradients(boolean batchNorm, boolean winograd) {
    // In training mode, batch norm's statistics and dropout's masks must not see the halves;
    // without batch norm, convolution, bias and ReLU are one op with its own gradient, or, with
    // Winograd's convolutions everywhere, a chain of matrix products.
    ModelConfig spec = new ModelConfig(3, 4, ModelConfig.Padding.VALID, batchNorm, 0.5, 2, 1);
    int input = 44;
    float[] image = uniform(2 * input * input, 7);
    List<float[]> plain = logitsAndGradients(spec, input, image, Tuning.plain());
    Tuning halves = Tuning.oneDnnFp32(true).withRowHalvesFrom(0);
    List<float[]> tuned = logitsAndGradients(spec, input, image, winograd ? halves.withWinogradFrom(0) : halves);
    assertEquals(plain.size(), tuned.size());
    for (int i = 0; i < plain.size(); i++) {
      assertArrayEquals(plain.get(i), tuned.get(i), 1e-3f, i == 0 ? "logits" : "gradient " + i);
    }
  }

  @Test
  void onlyWideValidConvolutionsRunOnHalves() {
    Tuning on = Tuning.oneDnnFp32(true);
    assertTrue(on.rowHalves(1024, 512, Padding.VALID));
    assertTrue(on.rowHalves(256, 256, Padding.VALID));
    assertTrue(!on.rowHalves(256, 128, Padding.VALID), "narrow layers are as fast either way");
    assertTrue(!on.rowHalves(1024, 512, Padding.SAME), "a same-padded half would see zeros at the seam");
    assertTrue(!Tuning.plain().rowHalves(1024, 512, Padding.VALID), "off unless asked for");
    assertTrue(!Tuning.of(new RuntimeConfig(0, 0, "cpu", 1, RuntimeConfig.Precision.BF16, true))
        .rowHalves(1024, 1024, Padding.VALID), "bf16 graphs are not tuned");
  }

  private static List<float[]> logitsAndGradients(ModelConfig spec, int input, float[] image,
      Tuning tuning) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(2, input, input, 1)));
      UNet net = UNet.build(Layers.initialised(tf, 3), spec, new Normalization(0.5, 0.2), tuning);
      Operand<TInt64> seed = tf.constant(new long[] {9, 1});
      Operand<TFloat32> logits = net.logits(x, Mode.TRAIN, seed, new ArrayList<>());
      Output<?>[] grads = gradients(g, tf, logits, projection(tf, logits, 5, 6),
          net.trainableVariables().toArray(Operand<?>[]::new));
      s.initialize();
      try (TFloat32 in = Tensors.floats(image, 2, input, input, 1)) {
        return values(s, x, in, logits, grads);
      }
    }
  }


  private static int positives(float[] values) {
    int n = 0;
    for (float v : values) {
      n += v > 0 ? 1 : 0;
    }
    return n;
  }
}
