package org.unettf.infer.volume;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.unettf.data.OverlapTile;
import org.unettf.numerics.Instances;

/**
 * A {@code predict} command line as the prediction takes it.
 *
 * @param input the input as written: {@code in.zarr/raw}, {@code in.n5/raw}, {@code in.h5:/raw},
 *     {@code stack.tif}, a folder of slices, a PNG
 * @param output {@code OUT.zarr}, {@code OUT.n5} (a group holding {@code probabilities} and {@code
 *     masks}) or {@code OUT.tif}
 * @param masks the masks TIFF beside a TIFF output (null: {@code <output>-masks.tif})
 * @param overlays a folder for PNG overlays (TIFF outputs only), or null
 * @param model the SavedModel folder or TF Serving base folder
 * @param chunks the output chunks {@code [z, y, x]}, or null for the input's
 * @param block the block {@code [z, y, x]} in voxels, or null for {@link org.unettf.data.BlockGrid#defaultBlock}
 * @param compression new chunks' compression, as {@link org.unettf.io.volume.Compression#parse} reads it
 * @param overwrite replace a chunked output made with other settings instead of refusing it
 * @param workers blocks predicted at once in this process
 * @param shard this process's share of the blocks
 * @param engine where blocks run
 * @param master the Spark master URL, or null for spark.master or {@code local[*]}
 * @param sparkConf further Spark settings
 * @param command the command line, recorded in the output's attributes
 * @param extras further outputs computed block by block (see {@link BlockOutput}); shipped to
 *     cluster workers, so serializable
 * @param cells the cells as objects ({@code --instances}), or null for none
 */
public record VolumeRequest(String input, String output, String masks, Path overlays, Path model,
    OverlapTile.Plan plan, int[] transforms, VolumeJob.Runtime runtime, int[] chunks, int[] block, String compression,
    boolean overwrite, int workers, Shard shard, EngineKind engine, String master, Map<String, String> sparkConf,
    List<String> command, List<BlockOutput.Factory> extras, Cells cells) {

  /**
   * {@code predict --instances PATH}: a uint32 label volume of the cells.
   *
   * @param path a TIFF stack, a Zarr array or N5 dataset, or the output group itself (its {@code instances} array)
   * @param parameters the seeded watershed's
   * @param threeD link cells through z ({@code --instances-3d}) rather than label each slice apart
   */
  public record Cells(String path, Instances.Parameters parameters, boolean threeD) {}

  public enum EngineKind {
    LOCAL,
    SPARK
  }
}
