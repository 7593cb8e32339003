package org.unettf.infer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.unettf.data.OverlapTile;
import org.unettf.io.ImageStack;

/** Predicts every slice of a stack with overlap-tile and optional test-time augmentation. */
public final class StackPredictor {
  private StackPredictor() {}

  /**
   * Class probabilities per slice ({@code height×width×classes}).
   *
   * @param transforms {@link org.unettf.numerics.Dihedral} elements to average over; {0} for none
   * @param done called with each finished slice's index
   */
  public static List<float[]> predict(ImageStack stack, Predictor model, OverlapTile.Plan plan,
      int[] transforms, IntConsumer done) {
    List<float[]> out = new ArrayList<>();
    plan = plan.forModel(model.card().fixedTile());
    for (int z = 0; z < stack.depth(); z++) {
      float[] p = transforms.length == 1 && transforms[0] == 0
          ? OverlapTile.predict(stack.slice(z), stack.width(), stack.height(), model.card().model(), model, plan)
          : OverlapTile.predictAveraged(stack.slice(z), stack.width(), stack.height(), model.card().model(), model,
              plan, transforms);
      out.add(p);
      done.accept(z);
    }
    return out;
  }
}
