package org.unettf.infer.volume;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.unettf.config.ClassMap;
import org.unettf.config.ModelConfig;
import org.unettf.config.RuntimeConfig;
import org.unettf.data.BlockGrid;
import org.unettf.data.BlockInput;
import org.unettf.data.OverlapTile;
import org.unettf.io.AtomicFiles;
import org.unettf.io.volume.Compression;
import org.unettf.io.volume.DType;
import org.unettf.io.volume.Volumes;
import org.unettf.io.volume.WritableVolume;

/**
 * What the block machinery costs: the same slices predicted whole, one after another, as bench
 * times inference, and as a uint8 Zarr volume written to a Zarr group block by block (reading,
 * converting, mirroring, predicting, thresholding, compressing, writing), in alternating rounds so
 * that both see the same load. The ratio of the two rates is the machinery's share.
 */
public final class VolumeBench {
  private VolumeBench() {}

  /**
   * @param volumeVoxelsPerSecond voxels per second through the in-process engine, median of the rounds
   * @param sliceVoxelsPerSecond voxels per second predicting the same slices whole, median of the rounds
   * @param block the blocks' {@code [z, y, x]}
   */
  public record Result(double volumeVoxelsPerSecond, double sliceVoxelsPerSecond, int[] block, long voxels) {
    /** The engine's rate as a share of whole-slice prediction's: 1 means the machinery costs nothing. */
    public double fraction() {
      return volumeVoxelsPerSecond / sliceVoxelsPerSecond;
    }
  }

  /**
   * Times {@code rounds} of each on {@code depth} slices cycled from {@code slices} (each
   * {@code height×width×channels} in [0, 1]), with {@code workers} blocks at a time.
   */
  public static Result measure(ModelConfig model, ClassMap classes, OverlapTile.TileModel network,
      List<float[]> slices, int width, int height, int depth, OverlapTile.Plan plan, int workers, int rounds) {
    Path dir = AtomicFiles.scratchFolder("unet-tf-volume-bench");
    try {
      String input = writeInput(dir.resolve("in.zarr").resolve("raw"), slices, width, height, depth, model.channels());
      BlockInput in = BlockInput.open(input, "volume bench", model.channels(), notice -> { });
      long[] shape = in.shape();
      int[] chunks = in.chunks();
      BlockGrid grid = new BlockGrid(shape, chunks, BlockGrid.defaultBlock(shape, chunks, BlockGrid.DEFAULT_VOXELS));
      Network net = new Network(model, classes, plan.fixedInput(), network);
      int[] identity = {0};
      long voxels = grid.voxels();
      // One untimed pass of each warms the JIT and TensorFlow's kernels for these sizes.
      predictSlices(slices, width, height, depth, model, network, plan);
      runVolume(dir.resolve("warm.zarr"), input, grid, net, in, plan, identity, workers);
      double[] volume = new double[rounds];
      double[] whole = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        whole[r] = voxels / predictSlices(slices, width, height, depth, model, network, plan);
        volume[r] = voxels / runVolume(dir.resolve("round-" + r + ".zarr"), input, grid, net, in, plan, identity,
            workers);
      }
      in.volume().close();
      return new Result(median(volume), median(whole), grid.block(), voxels);
    } finally {
      AtomicFiles.deleteQuietly(dir);
    }
  }

  private static double predictSlices(List<float[]> slices, int width, int height, int depth, ModelConfig model,
      OverlapTile.TileModel network, OverlapTile.Plan plan) {
    long t0 = System.nanoTime();
    for (int z = 0; z < depth; z++) {
      OverlapTile.predict(slices.get(z % slices.size()), width, height, model, network, plan);
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  private static double runVolume(Path output, String input, BlockGrid grid, Network network, BlockInput in,
      OverlapTile.Plan plan, int[] transforms, int workers) {
    VolumeJob job = new VolumeJob(input, new VolumeJob.Target(VolumeJob.Format.ZARR, output.toString(), null,
        "standard"), "", plan, transforms, new VolumeJob.Runtime(0, "auto", RuntimeConfig.Precision.FP32), grid,
        List.of());
    long t0 = System.nanoTime();
    try (BlockWorker worker = new BlockWorker(job, in, network, ChunkedOutputs.open(job, network.classes()), List.of(),
        false)) {
      long[] blocks = new long[(int) grid.count()];
      Arrays.setAll(blocks, i -> i);
      PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
      new LocalEngine(worker, workers, false).run(blocks, new VolumeProgress(quiet, false, blocks.length,
          grid.voxels(), Double.POSITIVE_INFINITY));
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    AtomicFiles.deleteQuietly(output);
    return seconds;
  }

  /** The slices as a uint8 volume in chunks of one slice, as TIFF stacks and many EM volumes come. */
  private static String writeInput(Path path, List<float[]> slices, int width, int height, int depth, int channels) {
    try (WritableVolume v = Volumes.create(path.toString(), new long[] {depth, height, width},
        new int[] {1, height, width}, DType.UINT8, Compression.standard(), null)) {
      for (int z = 0; z < depth; z++) {
        float[] slice = slices.get(z % slices.size());
        byte[] bytes = new byte[width * height];
        for (int i = 0; i < bytes.length; i++) {
          bytes[i] = (byte) Math.round(Math.max(0, Math.min(1, slice[i * channels])) * 255);
        }
        v.writeChunk(new long[] {z, 0, 0}, bytes);
      }
    }
    return path.toString();
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
