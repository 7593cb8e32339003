package org.unettf.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelConfigTest {
  private static ModelConfig valid(int depth) {
    return new ModelConfig(depth, 64, ModelConfig.Padding.VALID, false, 0, 2, 1);
  }

  @Test
  void papersTileGivesPapersOutput() {
    assertEquals(388, valid(5).outputSize(572));
    assertEquals(92, valid(5).margin());
    assertEquals(16, valid(5).alignment());
  }

  @Test
  void validSizesAreSpacedByTheAlignment() {
    ModelConfig m = valid(5);
    assertEquals(List.of(556, 572), m.validInputsNear(570));
    assertFalse(m.acceptsInput(570));
    assertTrue(m.acceptsInput(572 + 16));
    assertEquals(388 + 16, m.outputSize(588));
  }

  @Test
  void inputCoveringASliceIsTheSmallestThatDoes() {
    ModelConfig m = valid(5);
    int s = m.inputCovering(512);
    assertTrue(m.outputSize(s) >= 512);
    assertTrue(m.outputSize(s - m.alignment()) < 512);
  }

  @Test
  void samePaddingKeepsTheSize() {
    ModelConfig m = new ModelConfig(4, 8, ModelConfig.Padding.SAME, false, 0, 2, 1);
    assertEquals(128, m.outputSize(128));
    assertEquals(-1, m.outputSize(100));
    assertEquals(0, m.margin());
  }
}
