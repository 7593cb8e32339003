package org.unettf.infer.volume;

import java.nio.file.Path;
import org.unettf.data.BlockGrid;
import org.unettf.io.OutputSet;
import org.unettf.io.Pictures;
import org.unettf.io.StackWriter;
import org.unettf.metrics.Evaluation;

/**
 * {@code predict --overlays DIR}: a PNG per slice with the predicted membrane (class 0) in red over
 * the image, staged in the command's {@link OutputSet}. Blocks must span whole slices, as they do
 * for TIFF outputs, the only ones overlays go with.
 */
final class Overlays implements BlockOutput {
  private final Path dir;
  private final OutputSet outputs;
  private final int channels;

  Overlays(Path dir, OutputSet outputs, int channels) {
    this.dir = dir;
    this.outputs = outputs;
    this.channels = channels;
  }

  /** A factory for the one process that writes TIFF outputs; it is never shipped anywhere. */
  static BlockOutput.Factory factory(Path dir, OutputSet outputs, int channels) {
    return job -> new Overlays(dir, outputs, channels);
  }

  @Override
  public boolean complete(BlockGrid.Box block) {
    return false;
  }

  @Override
  public void accept(BlockResult result) {
    BlockGrid.Box box = result.block();
    for (int z = 0; z < box.depth(); z++) {
      long slice = box.z() + z;
      byte[] predicted = Evaluation.argmax(result.probabilities(slice, box), result.classes());
      float[] luma = Pictures.luma(result.image(slice, box), channels);
      var picture = Pictures.overlay(luma, predicted, box.width(), box.height());
      Path target = dir.resolve(String.format("slice-%03d.png", slice));
      synchronized (outputs) {
        outputs.write(target, StackWriter.png(picture));
      }
    }
  }
}
