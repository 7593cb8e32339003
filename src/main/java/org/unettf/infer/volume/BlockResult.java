package org.unettf.infer.volume;

import org.unettf.data.BlockGrid;
import org.unettf.data.BlockInput;
import org.unettf.data.OverlapTile;

/**
 * A predicted block: class probabilities over the block grown by the outputs' halo, and the input
 * the network saw.
 *
 * @param block the block's own voxels
 * @param extended the block with its halo, clipped to the volume; it contains {@code block}
 * @param probabilities per slice of {@code extended}, {@code height×width×classes}, classes interleaved
 * @param input the block's input window (covering {@code extended}), normalised as the network sees it
 */
public record BlockResult(BlockGrid.Box block, BlockGrid.Box extended, int classes, float[][] probabilities,
    BlockInput.Window input) {

  /** Slice {@code z} (a volume index) of {@code box} (inside {@code extended}), {@code height×width×classes}. */
  public float[] probabilities(long z, BlockGrid.Box box) {
    float[] slice = probabilities[(int) (z - extended.z())];
    float[] out = new float[box.height() * box.width() * classes];
    int row = box.width() * classes;
    for (int y = 0; y < box.height(); y++) {
      int from = ((box.y() - extended.y() + y) * extended.width() + box.x() - extended.x()) * classes;
      System.arraycopy(slice, from, out, y * row, row);
    }
    return out;
  }

  /** Slice {@code z}'s input over {@code box} (inside {@code extended}), {@code height×width×channels}. */
  public float[] image(long z, BlockGrid.Box box) {
    return input.crop((int) (z - input.z0()), new OverlapTile.Region(box.x(), box.y(), box.width(), box.height()));
  }
}
