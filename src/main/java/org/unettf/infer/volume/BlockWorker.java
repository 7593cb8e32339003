package org.unettf.infer.volume;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.unettf.config.ModelConfig;
import org.unettf.data.BlockGrid;
import org.unettf.data.BlockInput;
import org.unettf.data.OverlapTile;
import org.unettf.io.OutputSet;

/**
 * Predicts blocks of one job and writes them: reads the block's window once (the halo the tiles
 * need, mirrored at the volume's borders), predicts each slice's part with {@link
 * OverlapTile#predictRegion}, and hands the result to the outputs. Safe to call from several
 * threads: each block has its own buffers, and the model, input and outputs take concurrent calls.
 */
final class BlockWorker implements AutoCloseable {
  private final VolumeJob job;
  private final BlockInput input;
  private final Network network;
  private final Outputs outputs;
  private final List<BlockOutput> extras;
  private final OverlapTile.Plan plan;
  private final int[] halo;
  private final boolean ownsInput;

  BlockWorker(VolumeJob job, BlockInput input, Network network, Outputs outputs, List<BlockOutput> extras,
      boolean ownsInput) {
    this.job = job;
    this.ownsInput = ownsInput;
    this.input = input;
    this.network = network;
    this.outputs = outputs;
    this.extras = extras;
    this.plan = job.plan().forModel(network.fixedTile());
    int[] widest = {0, 0, 0};
    for (BlockOutput extra : extras) {
      int[] h = extra.halo();
      for (int d = 0; d < 3; d++) {
        widest[d] = Math.max(widest[d], h[d]);
      }
    }
    this.halo = widest;
  }

  /**
   * Opens the job's outputs, and its input unless {@code opened} (which then stays the caller's to
   * close), for {@code network}. TIFF outputs join {@code staged} at commit (chunked outputs need
   * none); {@code notice} hears how the input is converted.
   */
  static BlockWorker open(VolumeJob job, Network network, BlockInput opened, OutputSet staged,
      Consumer<String> notice) {
    BlockInput input = opened != null ? opened
        : BlockInput.open(job.input(), "--input", network.model().channels(), notice);
    Outputs outputs = null;
    List<BlockOutput> extras = new ArrayList<>();
    try {
      outputs = job.target().format().chunked() ? ChunkedOutputs.open(job, network.classes())
          : TiffOutputs.create(job, network.classes(), staged);
      for (BlockOutput.Factory factory : job.extras()) {
        extras.add(factory.open(job));
      }
      return new BlockWorker(job, input, network, outputs, extras, opened == null);
    } catch (RuntimeException | Error e) {
      extras.forEach(BlockOutput::close);
      if (outputs != null) {
        outputs.close();
      }
      if (opened == null) {
        input.volume().close();
      }
      throw e;
    }
  }

  BlockGrid grid() {
    return job.grid();
  }

  /** Whether every output holds the block already. */
  boolean complete(long index) {
    if (!outputs.complete(index)) {
      return false;
    }
    BlockGrid.Box box = job.grid().box(index);
    return extras.stream().allMatch(e -> e.complete(box));
  }

  /** Predicts block {@code index} and writes what of it the outputs lack; returns its voxels. */
  long process(long index) {
    BlockGrid grid = job.grid();
    BlockGrid.Box box = grid.box(index);
    BlockGrid.Box extended = grid.grown(box, halo);
    ModelConfig model = network.model();
    int height = (int) grid.shape()[1];
    int width = (int) grid.shape()[2];
    OverlapTile.Region region = extended.region();
    OverlapTile.Region window = OverlapTile.window(width, height, region, model, plan, job.transforms());
    BlockInput.Window pixels = input.read(extended.z(), extended.depth(), window);
    float[][] probabilities = new float[extended.depth()][];
    for (int z = 0; z < extended.depth(); z++) {
      probabilities[z] = OverlapTile.predictRegion(pixels.pixels(z), width, height, region, model, network.tiles(),
          plan, job.transforms());
    }
    BlockResult result = new BlockResult(box, extended, model.classes(), probabilities, pixels);
    outputs.write(index, result);
    for (BlockOutput extra : extras) {
      extra.accept(result);
    }
    return box.voxels();
  }

  /** After the last block: finishes every output. */
  void commit() {
    outputs.commit();
    extras.forEach(BlockOutput::commit);
  }

  @Override
  public void close() {
    try {
      extras.forEach(BlockOutput::close);
      outputs.close();
    } finally {
      if (ownsInput) {
        input.volume().close();
      }
    }
  }
}
