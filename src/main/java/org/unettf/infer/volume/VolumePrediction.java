package org.unettf.infer.volume;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.unettf.data.BlockGrid;
import org.unettf.data.BlockInput;
import org.unettf.error.UserError;
import org.unettf.infer.ModelCard;
import org.unettf.config.RuntimeConfig;
import org.unettf.infer.Predictor;
import org.unettf.io.AtomicFiles;
import org.unettf.io.OutputSet;
import org.unettf.io.volume.Compression;
import org.unettf.train.Provenance;

/**
 * {@code predict} on a whole volume, block by block: settles the job (model, input, output chunks
 * and blocks), prepares the outputs, skips what an earlier run finished, runs the blocks on the
 * chosen engine and finishes the outputs, printing progress and a summary to {@code out}.
 */
public final class VolumePrediction {
  /** Output chunks above this many voxels are no unit to write in; such input chunks are not copied. */
  static final long LARGEST_DEFAULT_CHUNK = 1L << 24;

  private VolumePrediction() {}

  /** What a run did: blocks in the volume and this shard's, blocks predicted now, their voxels and time. */
  public record Summary(long blocks, long owned, long predicted, long voxels, double seconds) {}

  public static Summary run(VolumeRequest request, PrintStream out, boolean terminal) {
    VolumeJob.Format format = format(request.output());
    checkOptions(request, format);
    String masks = null;
    if (format == VolumeJob.Format.TIFF) {
      masks = request.masks() != null ? request.masks() : sibling(request.output(), "-masks.tif");
      OutputSet.checkWritable(Path.of(request.output()), "--output");
      OutputSet.checkWritable(Path.of(masks), "--masks");
      if (request.overlays() != null) {
        OutputSet.checkWritable(request.overlays().resolve("slice-000.png"), "--overlays");
      }
      AtomicFiles.cleanStale(Path.of(request.output()).toAbsolutePath().getParent());
      AtomicFiles.cleanStale(Path.of(masks).toAbsolutePath().getParent());
    }
    String compression = Compression.parse(request.compression(), "--compression").toString();
    boolean spark = request.engine() == VolumeRequest.EngineKind.SPARK;
    if (spark) {
      requireSpark();
    }
    try (Predictor predictor = spark ? null : Predictor.load(request.model(),
        request.runtime().config())) {
      Path modelDir = spark ? Predictor.resolve(request.model()) : predictor.path();
      ModelCard card = spark ? cardOf(modelDir, request.runtime().config()) : predictor.card();
      int classes = card.model().classes();
      BlockInput input = BlockInput.open(request.input(), "--input", card.model().channels(), out::println);
      try (OutputSet staged = new OutputSet()) {
        long[] shape = input.shape();
        out.printf("model %s; input %s: %d slices of %d×%d; test-time augmentation over %d transform(s)%n", modelDir,
            request.input(), shape[0], shape[2], shape[1], request.transforms().length);
        int[] chunks = chunks(request, format, input, classes, out);
        int[] block = block(request, shape, chunks);
        BlockGrid grid = new BlockGrid(shape, chunks, block);
        String cellsTarget = request.cells() == null ? null : cellsTarget(request, format, grid);
        List<BlockOutput.Factory> extras = new ArrayList<>(request.extras());
        if (request.overlays() != null) {
          extras.add(Overlays.factory(request.overlays(), staged, card.model().channels()));
        }
        // Executors run in folders of their own, so paths they open are made absolute for them.
        VolumeJob job = new VolumeJob(spark ? absolute(request.input()) : request.input(), new VolumeJob.Target(format,
            spark ? absolute(request.output()) : request.output(), masks, compression),
            modelDir.toAbsolutePath().normalize().toString(), request.plan(), request.transforms(), request.runtime(),
            grid, List.copyOf(extras));
        // Parts made for a TIFF output are never resumed, so their key is this run's own.
        Map<String, Object> settings = Map.of("run", UUID.randomUUID().toString());
        if (format.chunked()) {
          Map<String, Object> record = record(job, request, card, modelDir, input);
          OutputGroup.Origin origin = OutputGroup.prepare(job, card.classes(), record, request.overwrite());
          if (origin == OutputGroup.Origin.JOINED) {
            out.printf("%s: continuing the prediction there (same model and settings)%n", request.output());
          }
          @SuppressWarnings("unchecked")
          Map<String, Object> recorded = (Map<String, Object>) record.get("settings");
          settings = recorded;
        }
        Cells cells = null;
        if (request.cells() != null) {
          boolean tiffCells = format(cellsTarget, "--instances", CELLS_PATH) == VolumeJob.Format.TIFF;
          CellParts parts = CellStitching.prepare(request.cells(), cellsTarget, tiffCells, settings, grid, compression);
          cells = new Cells(cellsTarget, tiffCells, parts, cellsAttributes(request, card, modelDir));
          extras.add(parts);
          job = job.withExtras(extras);
        }
        return runBlocks(request, job, card, predictor, input, staged, out, terminal, spark, cells);
      } finally {
        input.volume().close();
      }
    }
  }

  /** Where the cells go, and their parts. */
  private record Cells(String target, boolean tiff, CellParts parts, Map<String, Object> attributes) {}

  private static Summary runBlocks(VolumeRequest request, VolumeJob job, ModelCard card, Predictor predictor,
      BlockInput input, OutputSet staged, PrintStream out, boolean terminal, boolean spark, Cells cells) {
    BlockGrid grid = job.grid();
    Shard shard = request.shard() == null ? Shard.ALL : request.shard();
    long started = System.nanoTime();
    BlockWorker worker = spark ? null : BlockWorker.open(job, Network.of(predictor), input, staged, out::println);
    Outputs checker = spark ? ChunkedOutputs.open(job, card.classes()) : null;
    try {
      List<Long> todo = new ArrayList<>();
      long owned = 0;
      long voxels = 0;
      for (long b = 0; b < grid.count(); b++) {
        if (!shard.owns(b)) {
          continue;
        }
        owned++;
        if (spark ? !checker.complete(b) : !worker.complete(b)) {
          todo.add(b);
          voxels += grid.box(b).voxels();
        }
      }
      out.printf("%d block(s) of %s voxels in chunks of %s%s; %d to predict%s%n", grid.count(),
          Arrays.toString(grid.block()), Arrays.toString(grid.chunks()),
          shard.count() > 1 ? ", " + owned + " of them shard " + shard + "'s" : "", todo.size(),
          owned > todo.size() ? " (" + (owned - todo.size()) + " complete already)" : "");
      long[] blocks = todo.stream().mapToLong(Long::longValue).toArray();
      VolumeProgress progress = new VolumeProgress(out, terminal, blocks.length, voxels, 10);
      Engine engine = spark ? sparkEngine(job, request, out)
          : new LocalEngine(worker, request.workers(), job.target().format() == VolumeJob.Format.TIFF);
      try {
        engine.run(blocks, progress);
      } finally {
        progress.finish();
      }
      if (worker != null) {
        worker.commit();
      }
      CellStitching.Result stitched = null;
      if (cells != null && shard.count() == 1) {
        stitched = CellStitching.stitch(cells.parts(), job, cells.target(), cells.tiff(), cells.attributes(), staged,
            out, terminal);
      }
      staged.commit();
      double seconds = (System.nanoTime() - started) / 1e9;
      summary(job, card, out, progress, seconds, blocks.length, shard);
      if (stitched != null) {
        out.printf("wrote %s: %s cells (uint32, 0 = boundary)%s%s%n", cells.target(),
            stitched.cells() < 0 ? "its" : String.valueOf(stitched.cells()),
            stitched.joined() > 0 ? ", " + stitched.joined() + " joined across block borders" : "",
            stitched.linked() > 0 ? ", " + stitched.linked() + " links through z" : "");
      } else if (cells != null) {
        out.printf("the cells of shard %s's blocks are kept in %s; once every shard has finished, run the same "
            + "command without --shard to stitch them into %s (it predicts nothing more)%n", shard,
            cells.parts().dir(), cells.target());
      }
      return new Summary(grid.count(), owned, blocks.length, progress.voxelsDone(), seconds);
    } finally {
      if (worker != null) {
        worker.close();
      }
      if (checker != null) {
        checker.close();
      }
    }
  }

  private static void summary(VolumeJob job, ModelCard card, PrintStream out, VolumeProgress progress, double seconds,
      long predicted, Shard shard) {
    int classes = card.model().classes();
    String probabilities = classes == 2 ? "probabilities of class 1, " + card.classes().names().get(1)
        : "probabilities of " + classes + " classes";
    double rate = progress.voxelsDone() / Math.max(progress.seconds(), 1e-9);
    String speed = predicted == 0 ? "nothing left to predict" : String.format(Locale.ROOT, "%s voxels/s",
        VolumeProgress.amount(rate));
    if (job.target().format().chunked()) {
      out.printf("wrote %s (%s/: %s; %s/: masks)%s in %.1f s, %s%n", job.target().path(), ChunkedOutputs.PROBABILITIES,
          probabilities, ChunkedOutputs.MASKS, shard.count() > 1 ? " for shard " + shard : "", seconds, speed);
    } else {
      long slices = job.grid().shape()[0];
      out.printf("wrote %s (%s%s) and %s (masks) in %.1f s (%.2f s per slice, %s)%n", job.target().path(),
          probabilities, classes == 2 ? "" : ", one page per class per slice", job.target().masks(), seconds,
          seconds / slices, speed);
    }
  }

  /** The output's format by its name. */
  static VolumeJob.Format format(String output) {
    return format(output, "--output", "a group for probabilities and masks");
  }

  /** The format of what {@code option} names, by its name; {@code chunked} says what a .zarr or .n5 path holds there. */
  private static VolumeJob.Format format(String output, String option, String chunked) {
    String lower = output.toLowerCase(Locale.ROOT).replaceAll("/+$", "");
    if (lower.endsWith(".tif") || lower.endsWith(".tiff")) {
      return VolumeJob.Format.TIFF;
    }
    if (lower.endsWith(".zarr") || lower.contains(".zarr/")) {
      return VolumeJob.Format.ZARR;
    }
    if (lower.endsWith(".n5") || lower.contains(".n5/")) {
      return VolumeJob.Format.N5;
    }
    if (lower.endsWith(".h5") || lower.endsWith(".hdf5") || lower.contains(".h5:") || lower.contains(".hdf5:")) {
      // jhdf writes a dataset whole from memory, not chunk by chunk as blocks finish.
      throw UserError.config(option + ": HDF5 is read, not written (no Java HDF5 writer writes chunk by chunk); "
          + "expected a .zarr or .n5 folder or a .tif file, found " + output);
    }
    throw UserError.config(option + ": cannot tell the format of " + output + ": expected a .zarr or .n5 folder ("
        + chunked + ") or a .tif file");
  }

  private static void checkOptions(VolumeRequest r, VolumeJob.Format format) {
    boolean tiff = format == VolumeJob.Format.TIFF;
    if (r.workers() < 1) {
      throw UserError.config("--workers: expected a number of blocks at a time ≥ 1, found " + r.workers());
    }
    if (tiff && r.shard() != null && r.shard().count() > 1) {
      throw UserError.config("--shard: shards write one chunked output together; a TIFF stack is written by one "
          + "process in page order, so write a .zarr or .n5 output");
    }
    if (tiff && r.engine() == VolumeRequest.EngineKind.SPARK) {
      throw UserError.config("--engine spark: executors write chunks of a .zarr or .n5 output; a TIFF stack is "
          + "written by one process in page order");
    }
    if (!tiff && r.masks() != null) {
      throw UserError.config("--masks: a " + (format == VolumeJob.Format.ZARR ? "Zarr" : "N5") + " output holds its "
          + "masks itself (" + r.output() + "/masks); --masks names the masks TIFF beside a .tif output");
    }
    if (!tiff && r.overlays() != null) {
      throw UserError.config("--overlays: PNG overlays are written beside TIFF outputs only; for a volume, open "
          + r.output() + " in napari or Fiji instead");
    }
    if (r.cells() != null) {
      String cells = r.cells().path();
      VolumeJob.Format kind = format(cells, "--instances", CELLS_PATH);
      if (!kind.chunked() && (same(cells, r.output()) || r.masks() != null && same(cells, r.masks()))) {
        throw UserError.config("--instances: " + cells + " is already the --output or --masks file; name another "
            + "file for the cells, such as " + sibling(r.output(), "-cells.tif"));
      }
    }
    if (tiff && r.chunks() != null) {
      throw UserError.config("--chunks: a TIFF output is written in whole slices; chunks apply to .zarr and .n5 "
          + "outputs");
    }
  }

  private static boolean same(String a, String b) {
    return Path.of(a).toAbsolutePath().normalize().equals(Path.of(b).toAbsolutePath().normalize());
  }

  /**
   * Where {@code --instances} writes: the TIFF or array named, or for the output group itself its
   * {@code instances} array. A TIFF is written in whole slices, so blocks must not cut them.
   */
  private static String cellsTarget(VolumeRequest r, VolumeJob.Format format, BlockGrid grid) {
    String path = r.cells().path().replaceAll("/+$", "");
    if (format(path, "--instances", CELLS_PATH) == VolumeJob.Format.TIFF) {
      long[] shape = grid.shape();
      if (grid.block()[1] < shape[1] || grid.block()[2] < shape[2]) {
        throw UserError.config("--instances " + path + ": a TIFF stack is written in whole slices, and blocks of "
            + Arrays.toString(grid.block()) + " cut the " + shape[2] + "×" + shape[1] + " slices; write the cells "
            + "into the group (--instances " + r.output() + ") or give --block 1," + shape[1] + "," + shape[2]);
      }
      return path;
    }
    if (format.chunked() && same(path, r.output())) {
      return path + "/" + CELLS;
    }
    for (String array : List.of(ChunkedOutputs.PROBABILITIES, ChunkedOutputs.MASKS)) {
      if (format.chunked() && same(path, r.output() + "/" + array)) {
        throw UserError.config("--instances: " + path + " is the prediction's " + array + " array; give the group ("
            + r.output() + ", for " + r.output() + "/" + CELLS + ") or another array");
      }
    }
    return path;
  }

  /** The array of the cells in an output group. */
  static final String CELLS = "instances";

  private static final String CELLS_PATH = "an array for the cells, or the output group";

  private static Map<String, Object> cellsAttributes(VolumeRequest r, ModelCard card, Path modelDir) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("instances", "uint32 [z, y, x]: 0 on boundaries, 1..cells one cell each"
        + (r.cells().threeD() ? ", linked through z" : ", each slice's cells apart"));
    out.put("parameters", r.cells().parameters().toString());
    out.put("instances_3d", r.cells().threeD());
    out.put("model", modelDir.toAbsolutePath().normalize().toString());
    out.put("model_provenance", card.provenance());
    out.put("command", r.command());
    out.put("versions", Provenance.current().environment());
    return out;
  }

  /** The output chunks: as asked, or the input's where they are a sensible unit to write. */
  private static int[] chunks(VolumeRequest r, VolumeJob.Format format, BlockInput input, int classes,
      PrintStream out) {
    long[] shape = input.shape();
    if (format == VolumeJob.Format.TIFF) {
      return new int[] {1, (int) shape[1], (int) shape[2]};
    }
    int[] chunks;
    if (r.chunks() != null) {
      chunks = r.chunks().clone();
      if (chunks.length != 3 || Arrays.stream(chunks).anyMatch(c -> c < 1)) {
        throw UserError.config("--chunks: expected three positive sizes z,y,x, found " + Arrays.toString(r.chunks()));
      }
    } else {
      chunks = input.chunks();
      long voxels = (long) chunks[0] * chunks[1] * chunks[2];
      if (voxels > LARGEST_DEFAULT_CHUNK) {
        int[] smaller = {1, (int) Math.min(shape[1], 4096), (int) Math.min(shape[2], 4096)};
        out.printf("the input's chunks %s are large for output chunks; writing chunks of %s (--chunks to choose)%n",
            Arrays.toString(chunks), Arrays.toString(smaller));
        chunks = smaller;
      }
    }
    for (int d = 0; d < 3; d++) {
      chunks[d] = (int) Math.min(chunks[d], shape[d]);
    }
    int planes = classes == 2 ? 1 : classes;
    if ((long) chunks[0] * chunks[1] * chunks[2] * 4L * planes > Integer.MAX_VALUE - 8) {
      throw UserError.config("--chunks: " + Arrays.toString(chunks) + " holds more than 2 GiB of float32 per chunk; "
          + "choose smaller chunks");
    }
    return chunks;
  }

  private static int[] block(VolumeRequest r, long[] shape, int[] chunks) {
    if (r.block() == null) {
      return BlockGrid.defaultBlock(shape, chunks, BlockGrid.DEFAULT_VOXELS);
    }
    int[] block = r.block().clone();
    if (block.length != 3) {
      throw UserError.config("--block: expected three sizes z,y,x, found " + Arrays.toString(block));
    }
    for (int d = 0; d < 3; d++) {
      long whole = (shape[d] + chunks[d] - 1) / chunks[d] * chunks[d];
      block[d] = (int) Math.min(block[d], whole);
      if (block[d] < 1 || block[d] % chunks[d] != 0) {
        throw UserError.config("--block: expected multiples of the output chunks " + Arrays.toString(chunks)
            + ", found " + Arrays.toString(r.block()));
      }
    }
    return block;
  }

  /** What the group's attributes say of the prediction: its fingerprint and settings, model, command, versions. */
  private static Map<String, Object> record(VolumeJob job, VolumeRequest r, ModelCard card, Path modelDir,
      BlockInput input) {
    Map<String, Object> settings = Fingerprint.settings(job, Fingerprint.model(modelDir), input.volume().shape(),
        input.volume().dtype().toString());
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("fingerprint", Fingerprint.digest(settings));
    record.put("settings", settings);
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("path", modelDir.toAbsolutePath().normalize().toString());
    model.put("classes", card.classes().names());
    model.put("mask_values", card.classes().values());
    model.put("network", Map.of("depth", card.model().depth(), "filters", card.model().filters(), "padding",
        card.model().padding().name().toLowerCase(Locale.ROOT), "channels", card.model().channels()));
    model.put("provenance", card.provenance());
    record.put("model", model);
    int classes = card.model().classes();
    record.put(ChunkedOutputs.PROBABILITIES, classes == 2 ? "float32 [z, y, x]: probability of class 1 ("
        + card.classes().names().get(1) + ")" : "float32 [c, z, y, x]: probability of each class, c in class order");
    record.put(ChunkedOutputs.MASKS, "uint8 [z, y, x]: the most probable class, as its mask value "
        + Arrays.toString(Masks.values(card.classes())));
    record.put("command", r.command());
    record.put("versions", Provenance.current().environment());
    record.put("created", Instant.now().toString());
    return record;
  }

  /** The card alone, where the executors are to load the model: an ONNX file keeps it inside. */
  private static ModelCard cardOf(Path dir, RuntimeConfig runtime) {
    if (Files.isRegularFile(dir)) {
      try (Predictor onnx = Predictor.load(dir, runtime)) {
        return onnx.card();
      }
    }
    if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) {
      throw UserError.model(dir + " has no saved_model.pb: not a SavedModel folder");
    }
    return ModelCard.read(dir);
  }

  static final String SPARK_HOWTO = "run it with spark-submit --class org.unettf.cli.Main target/unet-tf.jar predict "
      + "... --engine spark, or java -cp target/unet-tf.jar:$SPARK_HOME/jars/* org.unettf.cli.Main predict ... "
      + "--engine spark";

  /** The fat jar carries no Spark, so its absence is a usage matter, said before any work. */
  private static void requireSpark() {
    try {
      Class.forName("org.apache.spark.SparkContext", false, VolumePrediction.class.getClassLoader());
      Class.forName("org.apache.logging.log4j.core.config.Configurator", false, VolumePrediction.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw UserError.config("--engine spark: Apache Spark is not on the class path; " + SPARK_HOWTO);
    }
  }

  /** By name, so that this class links without Spark. */
  private static Engine sparkEngine(VolumeJob job, VolumeRequest r, PrintStream out) {
    try {
      return (Engine) Class.forName(VolumePrediction.class.getPackageName() + ".SparkEngine")
          .getDeclaredConstructor(VolumeJob.class, String.class, Map.class, PrintStream.class)
          .newInstance(job, r.master(), r.sparkConf(), out);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException | LinkageError e) {
      throw UserError.config("--engine spark: cannot start Spark's engine (" + e + "); " + SPARK_HOWTO);
    }
  }

  private static String absolute(String path) {
    return Path.of(path).toAbsolutePath().normalize().toString();
  }

  /** {@code out.tif} → {@code out-masks.tif}. */
  public static String sibling(String file, String suffix) {
    Path path = Path.of(file);
    String name = path.getFileName().toString().replaceFirst("(?i)\\.tiff?$", "");
    return path.resolveSibling(name + suffix).toString();
  }
}
