package org.unettf.infer.volume;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.unettf.data.BlockGrid;
import org.unettf.error.UserError;
import org.unettf.io.AtomicFiles;
import org.unettf.io.OutputSet;
import org.unettf.io.ProgressLine;
import org.unettf.io.volume.Compression;
import org.unettf.io.volume.DType;
import org.unettf.io.volume.IfExists;
import org.unettf.io.volume.TiffStackWriter;
import org.unettf.io.volume.Volume;
import org.unettf.io.volume.Volumes;
import org.unettf.io.volume.WritableVolume;
import org.unettf.numerics.Stitching;
import org.unettf.numerics.UnionFind;

/**
 * The second half of {@code predict --instances}, in the process that started the prediction once
 * every block's cells are there ({@link CellParts}): joins the cells that neighbouring blocks
 * share and writes one uint32 label volume, 0 on boundaries and 1..N the cells, numbered in
 * block order.
 *
 * <p>Neighbours in y and x (diagonal ones included) have segmented the pixels where their halos
 * and blocks overlap twice; two cells are one where each is the other's best match there and they
 * share at least {@code minOverlap} of the smaller ({@link Stitching#overlaps}). With {@code
 * --instances-3d} every slice's cells, so joined, are then linked with the next slice's by the
 * same rule over whole slices, counted block by block ({@link Stitching.Tally}), as {@link
 * org.unettf.numerics.Instances#segment(float[], int, int, int, org.unettf.numerics.Instances.Parameters)}
 * links the slices of a volume held whole. The joined ids ({@link UnionFind}) are numbered afresh, so the result
 * does not depend on the order blocks were done in; chunks are written whole and skipped when a
 * rerun finds them, so a killed stitching resumes, and the parts are removed only once every
 * chunk is written.
 */
final class CellStitching {
  private CellStitching() {}

  /**
   * What stitching made: the cells, how many pairs of cells it joined across block borders and
   * how many it linked through z (-1: not counted, the output was complete already).
   */
  record Result(long cells, long joined, long linked) {}

  /**
   * Settles the parts folder for {@code target} before any block runs: parts of another key are
   * removed (a TIFF target starts afresh every time), and a chunked target that is complete with
   * this key needs no parts at all.
   */
  static CellParts prepare(VolumeRequest.Cells cells, String target, boolean tiff, Map<String, Object> settings,
      BlockGrid grid, String compression) {
    Map<String, Object> keyed = new LinkedHashMap<>(settings);
    keyed.put("instances", cells.parameters().toString());
    keyed.put("instances_3d", cells.threeD());
    keyed.put("instances_halo", CellParts.HALO);
    keyed.put("grid", List.of(grid.shape(), grid.chunks(), grid.block()));
    String key = Fingerprint.digest(keyed);
    Path dir = CellParts.folderOf(target);
    boolean finished = !tiff && finished(target, key, grid, Compression.parse(compression, "--compression"));
    try {
      Path keyFile = dir.resolve("key");
      boolean same = Files.isRegularFile(keyFile) && Files.readString(keyFile).equals(key);
      if (tiff || finished || !same) {
        AtomicFiles.deleteTree(dir);
      }
      if (!finished && !Files.isRegularFile(keyFile)) {
        Files.createDirectories(dir);
        AtomicFiles.writeString(keyFile, key);
      }
    } catch (IOException e) {
      throw UserError.output("cannot prepare " + dir + " (" + AtomicFiles.describe(e) + ")");
    }
    return new CellParts(dir.toString(), key, cells.parameters(), cells.threeD(), finished);
  }

  /** The attributes of the instances at {@code target} if they were made with {@code key}; null if not, or none there. */
  private static Map<String, Object> madeWith(String target, String key) {
    try (Volume there = Volumes.open(target)) {
      return key.equals(there.attributes().get("key")) ? there.attributes() : null;
    } catch (UserError e) {
      return null;
    }
  }

  /** Whether the chunked instances at {@code target} were made with {@code key} and hold every chunk. */
  private static boolean finished(String target, String key, BlockGrid grid, Compression compression) {
    Map<String, Object> attributes = madeWith(target, key);
    if (attributes == null) {
      return false;
    }
    try (WritableVolume there = Volumes.create(target, grid.shape(), grid.chunks(), DType.UINT32, compression,
        attributes, IfExists.RESUME)) {
      for (long b = 0; b < grid.count(); b++) {
        for (long[] chunk : grid.chunksOf(b)) {
          if (!there.chunkComplete(chunk)) {
            return false;
          }
        }
      }
      return true;
    } catch (UserError e) {
      return false;
    }
  }

  /**
   * Joins the parts and writes the instances to {@code target}: a Zarr array or N5 dataset
   * (resumed chunk by chunk) or a TIFF stack staged in {@code staged}; {@code attributes} go
   * with a chunked target.
   */
  static Result stitch(CellParts parts, VolumeJob job, String target, boolean tiff, Map<String, Object> attributes,
      OutputSet staged, PrintStream out, boolean terminal) {
    BlockGrid grid = job.grid();
    if (parts.finished()) {
      try (Volume there = Volumes.open(target)) {
        Object cells = there.attributes().get("cells");
        return new Result(cells instanceof Number n ? n.longValue() : -1, -1, -1);
      }
    }
    // Block b's own cells are offsets[b] + 1 .. offsets[b + 1] in one id space.
    int blocks = Math.toIntExact(grid.count());
    int[] offsets = new int[blocks + 1];
    long total = 0;
    for (int b = 0; b < blocks; b++) {
      total += parts.read(b, true).inner();
      if (total >= Integer.MAX_VALUE) {
        throw UserError.output(target + ": more than " + total + " cells before stitching, more than uint32 labels "
            + "here hold; predict the volume in parts (a smaller input)");
      }
      offsets[b + 1] = (int) total;
    }
    ProgressLine progress = new ProgressLine(out, terminal);
    UnionFind joins = new UnionFind();
    long joined = 0;
    // Enough parts for a block's neighbours below it, within about 1 GB of labels.
    int[] block = grid.block();
    long voxels = block[0] * (block[1] + 2L * CellParts.HALO) * (block[2] + 2L * CellParts.HALO);
    Cache cache = new Cache(parts, (int) Math.max(3, Math.min(2 * grid.counts()[2] + 4, (1L << 28) / voxels)));
    for (int b = 0; b < blocks; b++) {
      CellParts.Part a = cache.get(b);
      for (int n : besides(grid, b)) {
        for (Stitching.Merge m : acrossYx(a, cache.get(n), parts)) {
          if (union(joins, offsets[b] + m.a(), offsets[n] + m.b())) {
            joined++;
          }
        }
      }
      draw(progress, "stitching cells", b + 1, 3 * blocks);
    }
    long linked = 0;
    if (parts.linkZ()) {
      // Over the slices' whole cells, as joined above: a block's piece of a cell alone could be
      // another cell's best match in the next slice and join two cells of one slice.
      List<int[]> links = new ArrayList<>();
      long[] counts = grid.counts();
      int layer = (int) (counts[1] * counts[2]);
      for (int row = 0; row < counts[0]; row++) {
        Map<Long, Stitching.Tally> pairs = new LinkedHashMap<>();
        for (int b = row * layer; b < (row + 1) * layer; b++) {
          CellParts.Part part = cache.get(b);
          CellParts.Part under = row + 1 < counts[0] ? cache.get(b + layer) : null;
          tallySlices(part, under, roots(joins, part, offsets[b]),
              under == null ? null : roots(joins, under, offsets[b + layer]), pairs);
          draw(progress, "linking slices ", blocks + b + 1, 3 * blocks);
        }
        for (Stitching.Tally tally : pairs.values()) {
          for (Stitching.Merge m : tally.merges(parts.parameters().minOverlap())) {
            links.add(new int[] {m.a(), m.b()});
          }
        }
      }
      for (int[] link : links) {
        if (union(joins, link[0], link[1])) {
          linked++;
        }
      }
    }
    int[] numbers = new int[(int) total + 1];
    int cells = 0;
    int[][] maps = new int[blocks][];
    for (int b = 0; b < blocks; b++) {
      int inner = offsets[b + 1] - offsets[b];
      int[] map = new int[inner + 1];
      for (int id = 1; id <= inner; id++) {
        int root = joins.find(offsets[b] + id);
        if (numbers[root] == 0) {
          numbers[root] = ++cells;
        }
        map[id] = numbers[root];
      }
      maps[b] = map;
    }
    Map<String, Object> described = new LinkedHashMap<>(attributes);
    described.put("key", parts.key());
    described.put("cells", cells);
    if (tiff) {
      writeTiff(parts, grid, maps, target, job, staged, progress, blocks);
    } else {
      writeChunks(parts, grid, maps, target, job, described, progress, blocks);
      AtomicFiles.deleteTree(Path.of(parts.dir()));
    }
    progress.finish();
    return new Result(cells, joined, linked);
  }

  private static void draw(ProgressLine progress, String what, long done, long total) {
    if (progress.terminal()) {
      progress.draw(String.format(Locale.ROOT, "%s %s %d/%d", what, ProgressLine.bar(done, total), done, total));
    }
  }

  /** The neighbours in y and x of block {@code b} that come after it: right, and the three below. */
  private static List<Integer> besides(BlockGrid grid, int b) {
    long[] n = grid.counts();
    long bz = b / (n[1] * n[2]);
    long by = b / n[2] % n[1];
    long bx = b % n[2];
    List<Integer> out = new ArrayList<>();
    long[][] steps = {{0, 1}, {1, -1}, {1, 0}, {1, 1}};
    for (long[] s : steps) {
      long y = by + s[0];
      long x = bx + s[1];
      if (y < n[1] && x >= 0 && x < n[2]) {
        out.add((int) ((bz * n[1] + y) * n[2] + x));
      }
    }
    return out;
  }

  private static boolean union(UnionFind joins, int a, int b) {
    if (joins.find(a) == joins.find(b)) {
      return false;
    }
    joins.union(a, b);
    return true;
  }

  /** Per id of a part's own cells, its cell as joined so far (index 0: boundary). */
  private static int[] roots(UnionFind joins, CellParts.Part part, int offset) {
    int[] out = new int[part.inner() + 1];
    for (int id = 1; id <= part.inner(); id++) {
      out[id] = joins.find(offset + id);
    }
    return out;
  }

  /**
   * Counts, into {@code pairs} by lower slice, the overlaps of each slice of a block's own part
   * with the next slice, from the block itself or from the first slice of the block {@code
   * under} it.
   */
  private static void tallySlices(CellParts.Part part, CellParts.Part under, int[] rootsOf, int[] rootsUnder,
      Map<Long, Stitching.Tally> pairs) {
    BlockGrid.Box box = part.block();
    for (long z = box.z(); z < box.z() + box.depth(); z++) {
      boolean last = z == box.z() + box.depth() - 1;
      if (last && under == null) {
        break;
      }
      BlockGrid.Box slice = new BlockGrid.Box(z, box.y(), box.x(), 1, box.height(), box.width());
      BlockGrid.Box next = new BlockGrid.Box(z + 1, box.y(), box.x(), 1, box.height(), box.width());
      pairs.computeIfAbsent(z, k -> new Stitching.Tally()).add(labels(part, rootsOf, slice),
          last ? labels(under, rootsUnder, next) : labels(part, rootsOf, next));
    }
  }

  /** Cells of two blocks side by side that are one: matched where both segmented the same pixels. */
  private static List<Stitching.Merge> acrossYx(CellParts.Part a, CellParts.Part b, CellParts parts) {
    BlockGrid.Box ea = a.extended();
    BlockGrid.Box eb = b.extended();
    int y0 = Math.max(ea.y(), eb.y());
    int y1 = Math.min(ea.y() + ea.height(), eb.y() + eb.height());
    int x0 = Math.max(ea.x(), eb.x());
    int x1 = Math.min(ea.x() + ea.width(), eb.x() + eb.width());
    if (y1 <= y0 || x1 <= x0) {
      return List.of();
    }
    BlockGrid.Box shared = new BlockGrid.Box(ea.z(), y0, x0, ea.depth(), y1 - y0, x1 - x0);
    List<Stitching.Merge> out = new ArrayList<>();
    // Cells seen only in a halo belong to some other block, which stitches them itself.
    for (Stitching.Merge m : Stitching.overlaps(labels(a, null, shared), labels(b, null, shared),
        parts.parameters().minOverlap())) {
      if (m.a() <= a.inner() && m.b() <= b.inner()) {
        out.add(m);
      }
    }
    return out;
  }

  /** A part's labels over {@code box} (inside its extended block), through {@code map} (null: as stored). */
  private static int[] labels(CellParts.Part part, int[] map, BlockGrid.Box box) {
    int[] out = new int[(int) box.voxels()];
    int i = 0;
    for (long z = box.z(); z < box.z() + box.depth(); z++) {
      for (int y = box.y(); y < box.y() + box.height(); y++) {
        for (int x = box.x(); x < box.x() + box.width(); x++, i++) {
          int id = part.at(z, y, x);
          out[i] = map == null ? id : map[id];
        }
      }
    }
    return out;
  }

  private static void writeChunks(CellParts parts, BlockGrid grid, int[][] maps, String target, VolumeJob job,
      Map<String, Object> attributes, ProgressLine progress, int blocks) {
    Compression compression = Compression.parse(job.target().compression(), "--compression");
    IfExists ifExists = madeWith(target, parts.key()) != null ? IfExists.RESUME : IfExists.OVERWRITE;
    try (WritableVolume labels = Volumes.create(target, grid.shape(), grid.chunks(), DType.UINT32, compression,
        attributes, ifExists)) {
      for (int b = 0; b < blocks; b++) {
        CellParts.Part part = null;
        for (long[] chunk : grid.chunksOf(b)) {
          if (labels.chunkComplete(chunk)) {
            continue;
          }
          part = part != null ? part : parts.read(b, false);
          labels.writeChunk(chunk, labels(part, maps[b], grid.chunk(chunk)));
        }
        draw(progress, "writing cells  ", 2 * blocks + b + 1, 3 * blocks);
      }
    }
  }

  private static void writeTiff(CellParts parts, BlockGrid grid, int[][] maps, String target, VolumeJob job,
      OutputSet staged, ProgressLine progress, int blocks) {
    // Blocks of whole slices (VolumePrediction refuses others for a TIFF), so each part is whole pages.
    long[] shape = grid.shape();
    Path file = Path.of(target);
    Path stage = AtomicFiles.partialSibling(file);
    boolean handedOver = false;
    try (TiffStackWriter pages = TiffStackWriter.create(target, stage, shape, DType.UINT32,
        Compression.parse(job.target().compression(), "--compression"), IfExists.OVERWRITE)) {
      for (int b = 0; b < blocks; b++) {
        CellParts.Part part = parts.read(b, false);
        BlockGrid.Box box = part.block();
        for (long z = box.z(); z < box.z() + box.depth(); z++) {
          BlockGrid.Box page = new BlockGrid.Box(z, 0, 0, 1, box.height(), box.width());
          pages.writeChunk(new long[] {z, 0, 0}, labels(part, maps[b], page));
        }
        draw(progress, "writing cells  ", 2 * blocks + b + 1, 3 * blocks);
      }
      pages.commit();
      staged.add(file, TiffOutputs.staged(stage, file));
      handedOver = true;
    } finally {
      if (!handedOver) {
        AtomicFiles.deleteQuietly(stage);
      }
      AtomicFiles.deleteTree(Path.of(parts.dir()));
    }
  }

  /** The last few parts read: each part is wanted by itself and by up to four earlier neighbours. */
  private static final class Cache {
    private final CellParts parts;
    private final Map<Long, CellParts.Part> recent;

    Cache(CellParts parts, int size) {
      this.parts = parts;
      this.recent = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, CellParts.Part> eldest) {
          return size() > size;
        }
      };
    }

    CellParts.Part get(long block) {
      CellParts.Part part = recent.get(block);
      if (part == null) {
        part = Objects.requireNonNull(parts.read(block, false));
        recent.put(block, part);
      }
      return part;
    }
  }
}
