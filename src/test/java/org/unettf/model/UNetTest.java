package org.unettf.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.unettf.config.ModelConfig;
import org.unettf.data.Normalization;

class UNetTest {
  @ParameterizedTest(name = "depth {0}, {1} padding, {2} px in")
  @CsvSource({"2, VALID, 20", "3, VALID, 124", "3, VALID, 140", "4, VALID, 188", "5, VALID, 188", "3, SAME, 64",
      "4, SAME, 48"})
  void outputSizeArithmeticMatchesTheBuiltGraph(int depth, ModelConfig.Padding padding, int input) {
    ModelConfig spec = new ModelConfig(depth, 4, padding, padding == ModelConfig.Padding.SAME, 0, 3, 1);
    int expected = spec.outputSize(input);
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> image = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(2, input, input, 1)));
      UNet net = UNet.build(Layers.initialised(tf, 1), spec, new Normalization(0.5, 0.2), Tuning.plain());
      Operand<TFloat32> logits = net.logits(image, Mode.INFER, null, new ArrayList<>());
      Shape fixed = logits.shape();
      if (fixed.hasUnknownDimension()) {
        assertEquals(-1, fixed.get(1), "either static or unknown");
      } else {
        assertEquals(Shape.of(2, expected, expected, 3), fixed);
      }
      try (TFloat32 in = TFloat32.tensorOf(Shape.of(2, input, input, 1));
          Result r = s.runner().feed(image, in).fetch(logits).run()) {
        assertEquals(Shape.of(2, expected, expected, 3), r.get(0).shape());
      }
      long parameters = net.trainableVariables().stream().map(Variable::shape).mapToLong(Shape::size).sum();
      assertEquals(spec.parameterCount(), parameters);
    }
  }

  @ParameterizedTest(name = "{0} filters")
  @CsvSource({"8", "64"})
  void parameterCountOfThePapersNetworkMatchesItsVariables(int filters) {
    ModelConfig spec = new ModelConfig(5, filters, ModelConfig.Padding.VALID, false, 0.5, 2, 1);
    try (Graph g = new Graph()) {
      UNet net = UNet.build(Layers.restorable(Ops.create(g)), spec, new Normalization(0, 1), Tuning.plain());
      long parameters = net.trainableVariables().stream().map(Variable::shape).mapToLong(Shape::size).sum();
      assertEquals(spec.parameterCount(), parameters);
    }
  }
}
