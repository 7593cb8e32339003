package org.unettf.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.unettf.config.ClassMap;
import org.unettf.config.ModelConfig;
import org.unettf.data.Normalization;

class ModelCardTest {
  @Test
  void aCardSurvivesItsJsonAndComparesByItsCalibrationsValues() {
    ModelCard card = ModelCard.of(new ModelConfig(3, 8, ModelConfig.Padding.VALID, false, 0, 2, 1), ClassMap.binary(),
        new Normalization(0.49, 0.17), Map.of("run", "runs/x", "steps", 300L)).withCalibration(new double[] {2.25, 0.64})
        .withFixedTile(124);
    assertEquals(card, ModelCard.parse(card.toJson(), "card"));
    assertEquals(card.hashCode(), ModelCard.parse(card.toJson(), "card").hashCode());
    assertNotEquals(card, card.withCalibration(new double[] {2.25, 0.65}));
    assertNotEquals(card, card.withCalibration(null));
  }
}
