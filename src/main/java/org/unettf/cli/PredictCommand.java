package org.unettf.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.unettf.config.RuntimeConfig;
import org.unettf.error.UserError;
import org.unettf.infer.volume.Shard;
import org.unettf.infer.volume.VolumeJob;
import org.unettf.infer.volume.VolumePrediction;
import org.unettf.infer.volume.VolumeRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "predict", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = {"Segment a volume, stack, slice or folder of slices with a SavedModel or an ONNX model, block by block.",
        "Inputs: in.zarr/raw, in.n5/raw, in.h5:/raw, stack.tif, a folder of TIFF/PNG slices, a PNG.",
        "Outputs: OUT.zarr or OUT.n5 (a group of probabilities and masks, resumable), or OUT.tif;",
        "with --instances PATH also the cells as objects (uint32 labels)."})
final class PredictCommand implements Callable<Integer> {
  @ParentCommand
  Main main;

  @Spec
  CommandSpec spec;

  @Option(names = "--input", required = true, paramLabel = "PATH",
      description = "A Zarr array, N5 dataset, HDF5 dataset (file.h5:/raw), TIFF stack, TIFF/PNG slice or folder of slices.")
  Path input;

  @Option(names = "--output", required = true, paramLabel = "PATH",
      description = "OUT.zarr or OUT.n5: a group holding probabilities (float32) and masks (uint8); or OUT.tif: float32 "
          + "TIFF of cell probabilities (ISBI format: 1 = cell) with <output>-masks.tif beside it.")
  Path output;

  @Option(names = "--masks", paramLabel = "FILE", description = "8-bit mask TIFF beside a TIFF output (default: <output>-masks.tif).")
  Path masks;

  @Option(names = "--overlays", paramLabel = "DIR", description = "Also write a PNG overlay per slice into this folder (TIFF outputs).")
  Path overlays;

  @Option(names = "--chunks", paramLabel = "Z,Y,X", description = "Chunks of a .zarr/.n5 output (default: the input's).")
  String chunks;

  @Option(names = "--block", paramLabel = "Z,Y,X",
      description = "Voxels predicted at a time, multiples of the chunks (default: one chunk deep, whole slices up to 16 Mi voxels).")
  String block;

  @Option(names = "--compression", defaultValue = "standard", paramLabel = "NAME",
      description = "New chunks' compression: zstd, gzip, blosc-lz4, blosc-zstd or none, optionally :LEVEL (default: zstd for Zarr, gzip for N5, Deflate for TIFF).")
  String compression;

  @Option(names = "--overwrite", description = "Replace a .zarr/.n5 output made with another model or options (one with the same is resumed).")
  boolean overwrite;

  @Option(names = "--workers", defaultValue = "2", paramLabel = "N",
      description = "Blocks under way at once in this process, sharing one model (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--shard", paramLabel = "K/N",
      description = "Take every N-th block, starting at block K (0 ≤ K < N), for job arrays writing one .zarr/.n5 output.")
  String shard;

  @Option(names = "--engine", defaultValue = "local", paramLabel = "ENGINE",
      description = "local (threads of this process) or spark (an Apache Spark cluster; run through spark-submit). Default: ${DEFAULT-VALUE}.")
  VolumeRequest.EngineKind engine;

  @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: spark.master, or local[*]).")
  String master;

  @Option(names = "--spark-conf", paramLabel = "KEY=VALUE", description = "A Spark setting, such as spark.executor.memory=8g; repeatable.")
  List<String> sparkConf = new ArrayList<>();

  @Option(names = "--instances", paramLabel = "PATH",
      description = "Also write the cells as objects, uint32 (0 = boundary, 1..N one cell each): a TIFF stack "
          + "(cells.tif), a Zarr array or N5 dataset, or the --output group itself (its instances array). "
          + "Block by block with a 64-pixel halo; cells that block borders cut are stitched.")
  Path instances;

  @Option(names = "--instances-3d",
      description = "Link the cells through z (overlap of consecutive slices) instead of labelling each slice apart.")
  boolean instances3d;

  @Mixin
  InstanceOptions cells;

  @Mixin
  ModelOptions options;

  @Override
  public Integer call() {
    int[] transforms = options.transforms();
    var plan = options.plan();
    RuntimeConfig runtime = options.runtime();
    Shard share = shard == null ? null : Shard.parse(shard);
    if (engine != VolumeRequest.EngineKind.SPARK && (master != null || !sparkConf.isEmpty())) {
      throw UserError.config((master != null ? "--master" : "--spark-conf") + " is for --engine spark");
    }
    if (instances == null && (instances3d || cells.given())) {
      throw UserError.config((instances3d ? "--instances-3d" : "--seed-threshold, --smooth and --min-segment")
          + " shape the cells of --instances PATH; give --instances too");
    }
    VolumeRequest.Cells objects = instances == null ? null
        : new VolumeRequest.Cells(instances.toString(), cells.parameters(), instances3d);
    VolumeRequest request = new VolumeRequest(input.toString(), output.toString(),
        masks == null ? null : masks.toString(), overlays, options.modelPath(), plan, transforms,
        new VolumeJob.Runtime(runtime.intraOpThreads(), runtime.device(), runtime.precision()),
        sizes(chunks, "--chunks"), sizes(block, "--block"),
        compression, overwrite, workers, share, engine, master, settings(), command(), List.of(), objects);
    VolumePrediction.run(request, main.out, main.out == System.out && System.console() != null);
    return 0;
  }

  /** {@code 1,256,256}: three positive sizes z, y, x; null stays null (the default). */
  static int[] sizes(String text, String option) {
    if (text == null) {
      return null;
    }
    String[] parts = text.split(",", -1);
    int[] out = new int[parts.length];
    try {
      for (int i = 0; i < parts.length; i++) {
        out[i] = Integer.parseInt(parts[i].trim());
      }
    } catch (NumberFormatException e) {
      out = new int[0];
    }
    if (out.length != 3 || out[0] < 1 || out[1] < 1 || out[2] < 1) {
      throw UserError.config(option + ": expected three positive sizes z,y,x, found '" + text + "'");
    }
    return out;
  }

  private Map<String, String> settings() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String entry : sparkConf) {
      int eq = entry.indexOf('=');
      if (eq < 1) {
        throw UserError.config("--spark-conf: expected KEY=VALUE, such as spark.executor.memory=8g; found '" + entry + "'");
      }
      out.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
    }
    return out;
  }

  /** The command line as given, for the output's attributes. */
  private List<String> command() {
    List<String> out = new ArrayList<>(List.of("unet-tf"));
    out.addAll(spec.root().commandLine().getParseResult().originalArgs());
    return out;
  }
}
