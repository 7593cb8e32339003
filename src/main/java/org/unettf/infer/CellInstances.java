package org.unettf.infer;

import org.unettf.numerics.ConnectedComponents.Labelling;
import org.unettf.numerics.Instances;

/**
 * Cells as objects from a model's class probabilities: the probability of not being class 0 (the
 * membrane or background) is the cell probability that {@link Instances} floods.
 */
public final class CellInstances {
  private CellInstances() {}

  /** The probability of anything but class 0, per pixel, from {@code pixels×classes} probabilities. */
  public static float[] cellProbability(float[] probabilities, int classes) {
    float[] cell = new float[probabilities.length / classes];
    for (int i = 0; i < cell.length; i++) {
      cell[i] = 1 - probabilities[i * classes];
    }
    return cell;
  }

  /** One slice's cells: 0 on the boundary, 1..n the cells. */
  public static int[] of(float[] probabilities, int classes, int width, int height, Instances.Parameters parameters) {
    Labelling cells = Instances.segment(cellProbability(probabilities, classes), width, height, parameters);
    return cells.labels();
  }
}
