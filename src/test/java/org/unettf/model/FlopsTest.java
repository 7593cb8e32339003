package org.unettf.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.unettf.config.ModelConfig;

class FlopsTest {
  private static final ModelConfig PAPER = new ModelConfig(5, 64, ModelConfig.Padding.VALID, false, 0.5, 2, 1);

  @Test
  void thePapersNetworkCostsAbout301GflopForward() {
    assertEquals(301, Flops.forward(PAPER, 572) / 1e9, 0.5);
    assertEquals(3 * Flops.forward(PAPER, 572) * 2, Flops.trainingStep(PAPER, 572, 2), 1);
  }

  @Test
  void winogradsLayersCountOnlyTheirTilesProducts() {
    // The paper's layers from 512 × 512 channels on (Figure 1): output edge, channels in and out,
    // and the outputs per tile Layers gives them.
    int[][] wide = {{64, 512, 512, 4}, {30, 512, 1024, 4}, {28, 1024, 1024, 2}, {54, 1024, 512, 4}, {52, 512, 512, 4}};
    double saved = 0;
    for (int[] layer : wide) {
      int edge = layer[0];
      int m = layer[3];
      long tiles = (edge + m - 1) / m;
      saved += 3 * 2.0 * layer[1] * layer[2] * (9.0 * edge * edge - (m + 2) * (m + 2) * tiles * tiles);
    }
    double multiplied = Flops.trainingStepMultiplied(PAPER, 572, 1, Tuning.oneDnnFp32(true));
    assertEquals(Flops.trainingStep(PAPER, 572, 1) - saved, multiplied, 1);
    assertTrue(multiplied < 0.85 * Flops.trainingStep(PAPER, 572, 1), "the wide layers save over 15%: " + multiplied);

    ModelConfig narrow = new ModelConfig(5, 16, ModelConfig.Padding.VALID, false, 0.5, 2, 1);
    assertEquals(Flops.trainingStep(narrow, 572, 1), Flops.trainingStepMultiplied(narrow, 572, 1, Tuning.oneDnnFp32(true)),
        "no layer is that wide");
    ModelConfig same = new ModelConfig(5, 64, ModelConfig.Padding.SAME, false, 0.5, 2, 1);
    assertEquals(Flops.trainingStep(same, 512, 1), Flops.trainingStepMultiplied(same, 512, 1, Tuning.oneDnnFp32(true)), "same padding: direct");
  }
}
