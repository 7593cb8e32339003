package org.unettf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.GraphDef;
import org.unettf.TestData;
import org.unettf.config.RunConfig;
import org.unettf.data.Normalization;
import org.unettf.data.Sample;

/** {@code runtime.winograd} picks the wide layers' algorithm; either way a step computes the same. */
class WinogradSwitchTest {
  @Test
  void theSwitchChangesTheWideLayersButNotTheStep() throws Exception {
    // Two levels of 512 and 1024 filters: five convolutions from 512 × 512 channels on.
    String model = "model: {depth: 2, filters: 512}\ntile: {size: 44}\n";
    RunConfig on = TestData.withIsbi(model + "runtime: {precision: fp32, device: cpu}\n");
    RunConfig off = TestData.withIsbi(model + "runtime: {precision: fp32, device: cpu, winograd: false}\n");
    assertTrue(on.runtime().winograd(), "on by default");
    List<Sample> batch = List.of(sample(on.tile().size(), on.outputTile()));
    Normalization normalization = new Normalization(0.5, 0.2);
    try (TrainingGraph winograd = new TrainingGraph(on, normalization);
        TrainingGraph direct = new TrainingGraph(off, normalization)) {
      assertTrue(products(winograd) > 0, "Winograd's layers are batched matrix products");
      assertEquals(0, products(direct), "direct convolutions only");
      assertEquals(direct.variableValues().keySet(), winograd.variableValues().keySet(), "the same checkpoint layout");
      for (int step = 0; step < 2; step++) {
        float expected = direct.step(batch, 1, step, false).loss();
        float actual = winograd.step(batch, 1, step, false).loss();
        assertEquals(expected, actual, 1e-4 * Math.abs(expected), "loss at step " + step);
      }
    }
  }

  private static long products(TrainingGraph graph) throws Exception {
    return GraphDef.parseFrom(graph.graphDef()).getNodeList().stream()
        .filter(node -> node.getOp().equals("BatchMatMulV2"))
        .count();
  }

  private static Sample sample(int in, int out) {
    SplittableRandom random = new SplittableRandom(3);
    float[] image = new float[in * in];
    for (int i = 0; i < image.length; i++) {
      image[i] = (float) random.nextDouble();
    }
    byte[] labels = new byte[out * out];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = (byte) random.nextInt(2);
    }
    float[] weights = new float[out * out];
    Arrays.fill(weights, 1f);
    return new Sample(0, in, out, image, labels, weights);
  }
}
