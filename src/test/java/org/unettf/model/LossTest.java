package org.unettf.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

class LossTest {
  private static final int N = 6;
  private static final int K = 3;

  private static double handLoss(float[] logits, int[] labels, float[] weights) {
    double sum = 0;
    double weightSum = 0;
    for (int i = 0; i < N; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < K; c++) {
        max = Math.max(max, logits[i * K + c]);
      }
      double z = 0;
      for (int c = 0; c < K; c++) {
        z += Math.exp(logits[i * K + c] - max);
      }
      double logP = logits[i * K + labels[i]] - max - Math.log(z);
      sum += weights[i] * -logP;
      weightSum += weights[i];
    }
    return sum / weightSum;
  }

  private record Fixture(float[] logits, int[] labels, float[] weights) {}

  private static Fixture fixture() {
    Random r = new Random(3);
    float[] logits = new float[N * K];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) (r.nextGaussian() * 2);
    }
    int[] labels = {0, 2, 1, 1, 0, 2};
    float[] weights = {1f, 0.5f, 3f, 1f, 10f, 0.2f};
    return new Fixture(logits, labels, weights);
  }

  @Test
  void theTrainingGraphsShareMatchesAHandComputedWeightedCrossEntropy() {
    Fixture f = fixture();
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> weights = tf.constant(Shape.of(1, 2, 3), DataBuffers.of(f.weights()));
      Operand<TFloat32> loss = Loss.crossEntropyShare(tf,
          tf.constant(Shape.of(1, 2, 3, K), DataBuffers.of(f.logits())),
          tf.constant(Shape.of(1, 2, 3), DataBuffers.of(f.labels())), weights, K, Loss.totalWeight(tf, weights));
      try (Result r = s.runner().fetch(loss).run()) {
        assertEquals(handLoss(f.logits(), f.labels(), f.weights()), ((TFloat32) r.get(0)).getFloat(), 1e-5);
      }
    }
  }

  @Test
  void calibratedProbabilitiesDivideTheClassWeightsBackOut() {
    float[][] logits = {{0.3f, 1.1f, -0.4f}, {2f, 0f, 0.5f}};
    double[] weights = {2.25, 0.64, 1.0};
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> plain = Loss.probabilities(tf, tf.constant(logits), null);
      Operand<TFloat32> calibrated = Loss.probabilities(tf, tf.constant(logits), weights);
      try (Result r = s.runner().fetch(plain).fetch(calibrated).run()) {
        float[] p = Tensors.read((TFloat32) r.get(0));
        float[] q = Tensors.read((TFloat32) r.get(1));
        for (int row = 0; row < 2; row++) {
          double z = 0;
          for (int c = 0; c < 3; c++) {
            z += p[row * 3 + c] / weights[c];
          }
          for (int c = 0; c < 3; c++) {
            assertEquals(p[row * 3 + c] / weights[c] / z, q[row * 3 + c], 1e-6);
          }
        }
      }
    }
  }

  /** Dice of 2 pixels, 2 classes: p = {(0.8, 0.2), (0.4, 0.6)}, labels {0, 1}. */
  @Test
  void diceMatchesAHandComputedValue() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Loss.DiceSums sums = Loss.diceSums(tf, tf.constant(new float[][] {{0.8f, 0.2f}, {0.4f, 0.6f}}),
          tf.constant(new int[] {0, 1}), 2);
      Operand<TFloat32> dice = Loss.dice(tf, sums);
      // class 0: I = 0.8, sizes = (0.8 + 0.4) + 1 = 2.2; class 1: I = 0.6, sizes = (0.2 + 0.6) + 1 = 1.8; ε = 1.
      double expected = 1 - ((2 * 0.8 + 1) / (2.2 + 1) + (2 * 0.6 + 1) / (1.8 + 1)) / 2;
      try (Result r = s.runner().fetch(dice).run()) {
        assertEquals(expected, ((TFloat32) r.get(0)).getFloat(), 1e-6);
      }
    }
  }

  @Test
  void customGradientMatchesFiniteDifferences() {
    Gradients.register();
    Fixture f = fixture();
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> logits = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, 2, 3, K)));
      Operand<TFloat32> weights = tf.constant(Shape.of(1, 2, 3), DataBuffers.of(f.weights()));
      Operand<TFloat32> loss = Loss.crossEntropyShare(tf, logits,
          tf.constant(Shape.of(1, 2, 3), DataBuffers.of(f.labels())), weights, K, Loss.totalWeight(tf, weights));
      Output<?>[] grad = g.addGradients(loss.asOutput(), new Output<?>[] {logits.asOutput()});
      float[] analytic;
      try (TFloat32 in = Tensors.floats(f.logits(), 1, 2, 3, K);
          Result r = s.runner().feed(logits, in).fetch(grad[0]).run()) {
        analytic = Tensors.read((TFloat32) r.get(0));
      }
      float[] numeric = new float[analytic.length];
      double h = 1e-3;
      for (int i = 0; i < numeric.length; i++) {
        float[] plus = f.logits().clone();
        float[] minus = f.logits().clone();
        plus[i] += (float) h;
        minus[i] -= (float) h;
        numeric[i] = (float) ((handLoss(plus, f.labels(), f.weights()) - handLoss(minus, f.labels(), f.weights())) / (2 * h));
      }
      assertArrayEquals(numeric, analytic, 1e-4f);
    }
  }
}
