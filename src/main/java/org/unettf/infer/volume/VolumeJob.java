package org.unettf.infer.volume;

import java.io.Serializable;
import java.util.List;
import org.unettf.config.RuntimeConfig;
import org.unettf.data.BlockGrid;
import org.unettf.data.OverlapTile;

/**
 * One whole-volume prediction, settled: everything a block worker needs to predict any of its
 * blocks, in plain values, so that a cluster engine can ship it to machines that open the input,
 * the outputs and the model themselves.
 *
 * @param input the input volume as the user wrote it
 * @param target where the outputs go
 * @param model the SavedModel folder (its version resolved)
 * @param plan how slices are cut into tiles
 * @param transforms the {@link org.unettf.numerics.Dihedral} elements averaged over
 * @param runtime how TensorFlow runs
 * @param grid the output volume's chunks and blocks
 * @param extras further per-block outputs (see {@link BlockOutput})
 */
public record VolumeJob(String input, Target target, String model, OverlapTile.Plan plan, int[] transforms,
    Runtime runtime, BlockGrid grid, List<BlockOutput.Factory> extras) implements Serializable {

  /** The same job with other per-block outputs. */
  public VolumeJob withExtras(List<BlockOutput.Factory> outputs) {
    return new VolumeJob(input, target, model, plan, transforms, runtime, grid, List.copyOf(outputs));
  }

  public enum Format {
    ZARR,
    N5,
    TIFF;

    public boolean chunked() {
      return this != TIFF;
    }
  }

  /**
   * The outputs: a Zarr or N5 group holding {@code probabilities} and {@code masks}, or a
   * probability TIFF with its masks beside it.
   *
   * @param compression the new chunks' compression, as {@link org.unettf.io.volume.Compression#parse} reads it
   */
  public record Target(Format format, String path, String masks, String compression) implements Serializable {}

  /** TensorFlow's threads, device and precision, as the options gave them. */
  public record Runtime(int threads, String device, RuntimeConfig.Precision precision) implements Serializable {
    public RuntimeConfig config() {
      return new RuntimeConfig(threads, 0, device, 1, precision, true);
    }
  }
}
