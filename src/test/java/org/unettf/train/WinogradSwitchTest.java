package org.unettf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.GraphDef;
import org.unettf.Isbi;
import org.unettf.TestData;
import org.unettf.config.RunConfig;
import org.unettf.data.Augmenter;
import org.unettf.data.Sample;
import org.unettf.data.TrainingSet;

/** {@code runtime.winograd} picks the wide layers' algorithm; either way a step computes the same. */
@Isbi
class WinogradSwitchTest {
  @Test
  void theSwitchChangesTheWideLayersButNotTheStep() throws Exception {
    // Two levels of 512 and 1024 filters: five convolutions from 512 × 512 channels on.
    String model = "model: {depth: 2, filters: 512}\ntile: {size: 44}\n";
    RunConfig on = TestData.withIsbi(model + "runtime: {precision: fp32, device: cpu}\n");
    RunConfig off = TestData.withIsbi(model + "runtime: {precision: fp32, device: cpu, winograd: false}\n");
    assertTrue(on.runtime().winograd(), "on by default");
    TrainingSet data = TrainingSet.load(on, s -> { });
    Augmenter augmenter = new Augmenter(on.augment(), on.tile().size(), on.outputTile());
    List<Sample> batch = List.of(augmenter.sample(data.train().get(0), new SplittableRandom(1)));
    try (TrainingGraph winograd = new TrainingGraph(on, data.normalization());
        TrainingGraph direct = new TrainingGraph(off, data.normalization())) {
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
}
