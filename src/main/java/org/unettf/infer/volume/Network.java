package org.unettf.infer.volume;

import java.util.concurrent.locks.ReentrantLock;
import org.unettf.config.ClassMap;
import org.unettf.config.ModelConfig;
import org.unettf.data.OverlapTile;
import org.unettf.infer.Predictor;

/**
 * What block prediction needs of a network: its shape, its classes' mask values, the one tile size
 * it takes if exported for one (0: any), and the tiles' forward pass.
 *
 * <p>The forward pass admits one batch at a time. TensorFlow already spreads each call over all
 * its intra-op threads, so a second call at once only makes the two compete for the cores (in
 * bf16 the blocks ran at two thirds of the whole-slice rate that way); the other blocks under way
 * read, convert and write meanwhile.
 */
public record Network(ModelConfig model, ClassMap classes, int fixedTile, OverlapTile.TileModel tiles) {
  public Network {
    tiles = oneAtATime(tiles);
  }

  public static Network of(Predictor predictor) {
    return new Network(predictor.card().model(), predictor.card().classes(), predictor.card().fixedTile(), predictor);
  }

  private static OverlapTile.TileModel oneAtATime(OverlapTile.TileModel model) {
    if (model instanceof OneAtATime) {
      return model;
    }
    return new OneAtATime(model, new ReentrantLock());
  }

  private record OneAtATime(OverlapTile.TileModel model, ReentrantLock lock) implements OverlapTile.TileModel {
    @Override
    public float[] predict(float[] tiles, int count, int size) {
      lock.lock();
      try {
        return model.predict(tiles, count, size);
      } finally {
        lock.unlock();
      }
    }
  }
}
