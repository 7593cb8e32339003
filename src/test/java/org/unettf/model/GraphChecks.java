package org.unettf.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** For tests that compare two ways of computing an output: its value and its gradients. */
final class GraphChecks {
  private GraphChecks() {}

  /** A fixed random weight per element of {@code like}, so that each element's gradient differs. */
  static Operand<TFloat32> projection(Ops tf, Operand<TFloat32> like, long... seed) {
    return tf.stopGradient(tf.random.statelessRandomNormal(tf.shape(like), tf.constant(seed)));
  }

  /** The gradients of Σ y·projection with respect to each of {@code xs}. */
  static Output<?>[] gradients(Graph g, Ops tf, Operand<TFloat32> y, Operand<TFloat32> projection, Operand<?>... xs) {
    Operand<TFloat32> objective = tf.reduceSum(tf.math.mul(y, projection), tf.constant(new int[] {0, 1, 2, 3}));
    return g.addGradients(objective.asOutput(), Arrays.stream(xs).map(Operand::asOutput).toArray(Output<?>[]::new));
  }

  /** {@code y}'s value and then each of {@code grads}, with {@code x} fed {@code input}. */
  static List<float[]> values(Session s, Placeholder<TFloat32> x, TFloat32 input, Operand<TFloat32> y,
      Output<?>... grads) {
    Session.Runner runner = s.runner().feed(x, input).fetch(y);
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

  /** {@code n} standard normal values drawn from {@code seed}. */
  static float[] gaussian(int n, long seed) {
    return draw(n, seed, SplittableRandom::nextGaussian);
  }

  /** {@code n} values uniform in [0, 1) drawn from {@code seed}. */
  static float[] uniform(int n, long seed) {
    return draw(n, seed, SplittableRandom::nextDouble);
  }

  private static float[] draw(int n, long seed, ToDoubleFunction<SplittableRandom> next) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) next.applyAsDouble(random);
    }
    return values;
  }

  /** Each of {@code actual} equals the same entry of {@code expected} within its tolerance. */
  static void assertClose(List<float[]> expected, List<float[]> actual, List<String> names, float... tolerances) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), tolerances[i], names.get(i));
    }
  }
}
