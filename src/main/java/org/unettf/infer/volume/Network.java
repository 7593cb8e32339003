package org.unettf.infer.volume;

import org.unettf.config.ClassMap;
import org.unettf.config.ModelConfig;
import org.unettf.data.OverlapTile;
import org.unettf.infer.Predictor;

/**
 * What block prediction needs of a network: its shape, its classes' mask values, the one tile size
 * it takes if exported for one (0: any), and the tiles' forward pass.
 */
public record Network(ModelConfig model, ClassMap classes, int fixedTile, OverlapTile.TileModel tiles) {
  public static Network of(Predictor predictor) {
    return new Network(predictor.card().model(), predictor.card().classes(), predictor.card().fixedTile(), predictor);
  }
}
