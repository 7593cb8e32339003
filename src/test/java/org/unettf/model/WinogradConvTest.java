package org.unettf.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.unettf.model.GraphChecks.assertClose;
import static org.unettf.model.GraphChecks.gaussian;
import static org.unettf.model.GraphChecks.gradients;
import static org.unettf.model.GraphChecks.projection;
import static org.unettf.model.GraphChecks.values;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.unettf.config.ModelConfig.Padding;
import org.unettf.config.RuntimeConfig;
import org.unettf.numerics.Winograd;

class WinogradConvTest {
  private static final int IN = 5;
  private static final int OUT = 3;

  @ParameterizedTest(name = "F({0}×{0}), batch {1}, {2}×{3}")
  @CsvSource({"2, 1, 10, 10", "2, 2, 9, 12", "4, 1, 14, 14", "4, 2, 13, 7", "4, 3, 3, 8", "2, 1, 3, 3"})
  void givesTheDirectConvolutionAndItsGradients(int m, int batch, int height, int width) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      // The batch is left open, as in training graphs; height, width and channels are static.
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, height, width, IN)));
      Variable<TFloat32> kernel = Layers.initialised(tf, 1).kernel("kernel", 3, IN, OUT);
      Operand<TFloat32> direct = tf.nn.conv2d(x, kernel, List.of(1L, 1L, 1L, 1L), "VALID");
      assertTrue(WinogradConv.fits(x));
      Operand<TFloat32> winograd = WinogradConv.apply(tf, x, kernel, new Winograd(m));
      assertArrayEquals(new long[] {-1, height - 2, width - 2, OUT}, winograd.shape().asArray());
      Operand<TFloat32> projection = projection(tf, direct, 1, 2);
      Output<?>[] directGrads = gradients(g, tf, direct, projection, x, kernel);
      Output<?>[] winogradGrads = gradients(g, tf, winograd, projection, x, kernel);
      s.initialize();
      try (TFloat32 in = Tensors.floats(gaussian(batch * height * width * IN, m + height), batch, height, width, IN)) {
        List<float[]> expected = values(s, x, in, direct, directGrads);
        assertEquals(batch * (height - 2) * (width - 2) * OUT, expected.get(0).length);
        assertClose(expected, values(s, x, in, winograd, winogradGrads), List.of("values", "d/dx", "d/dkernel"),
            1e-4f, 1e-4f, 1e-3f);
      }
    }
  }

  @Test
  void onlyShapesKnownWhenTheGraphIsBuiltFit() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      assertTrue(WinogradConv.fits(tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 3, 3, 1)))));
      assertFalse(WinogradConv.fits(tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, -1, 8, 1)))));
      assertFalse(WinogradConv.fits(tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, 8, 8, -1)))));
      assertFalse(WinogradConv.fits(tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, 2, 8, 1)))),
          "too small for a valid 3×3 convolution");
      assertFalse(WinogradConv.fits(tf.placeholder(TFloat32.class)));
    }
  }

  @Test
  void onlyTheWidestValidConvolutionsInTunedTrainingTakeIt() {
    Tuning tuned = Tuning.oneDnnFp32(true);
    assertEquals(4, tuned.winograd(512, 512, Padding.VALID, Mode.TRAIN).outputs());
    assertEquals(4, tuned.winograd(1024, 512, Padding.VALID, Mode.TRAIN).outputs());
    assertEquals(2, tuned.winograd(1024, 1024, Padding.VALID, Mode.TRAIN).outputs(),
        "F(4×4)'s kernel transform is too large at the widest layer");
    assertNull(tuned.winograd(256, 512, Padding.VALID, Mode.TRAIN), "narrower layers gained little or lost");
    assertNull(tuned.winograd(1024, 1024, Padding.SAME, Mode.TRAIN), "a same-padded tile would need the padding");
    assertNull(tuned.winograd(1024, 1024, Padding.VALID, Mode.INFER), "exported graphs keep the plain convolution");
    assertNull(Tuning.plain().winograd(1024, 1024, Padding.VALID, Mode.TRAIN), "off unless tuned");
    assertNull(Tuning.of(new RuntimeConfig(0, 0, "cpu", 1, RuntimeConfig.Precision.BF16, true))
        .winograd(1024, 1024, Padding.VALID, Mode.TRAIN), "bf16 graphs are not tuned");
    assertNull(Tuning.oneDnnFp32(false).winograd(1024, 1024, Padding.VALID, Mode.TRAIN), "runtime.winograd: false");
    assertEquals(2, Tuning.of(new RuntimeConfig(0, 0, "cpu", 1, RuntimeConfig.Precision.FP32, true))
        .winograd(1024, 1024, Padding.VALID, Mode.TRAIN).outputs());
  }

}
