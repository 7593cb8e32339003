package org.unettf.infer.volume;

import com.github.luben.zstd.Zstd;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import org.unettf.data.BlockGrid;
import org.unettf.error.UserError;
import org.unettf.infer.CellInstances;
import org.unettf.io.AtomicFiles;
import org.unettf.numerics.Instances;

/**
 * The first half of {@code predict --instances}: every block's cells, segmented over the block
 * with a halo of {@link #HALO} pixels in y and x, kept as one file per block in a hidden folder
 * beside the instances output ({@code .instances.parts/block-N.cells}). {@link CellStitching}
 * joins them once every block is there. A block's file is written whole or not at all, so a
 * killed run, a retried Spark task or another shard finds exactly the blocks that are done.
 *
 * @param dir the parts folder
 * @param key what the parts were made with (model, prediction settings, instance parameters);
 *     parts of another key are never mixed in
 * @param parameters the watershed's parameters
 * @param linkZ link cells through z ({@code --instances-3d}); done in stitching, over whole slices
 * @param finished the instances output is complete already, so nothing needs parts
 */
record CellParts(String dir, String key, Instances.Parameters parameters, boolean linkZ, boolean finished)
    implements BlockOutput.Factory, Serializable {

  /**
   * Pixels of context on each side of a block in y and x: a cell that a block border cuts is seen
   * whole, or nearly, from both sides (ISBI 2012's cells are rarely wider than 150 px), so both
   * blocks segment it alike and the overlap in the halo finds the two halves.
   */
  static final int HALO = 64;

  private static final int MAGIC = 0x55544331; // "UTC1"

  /** A block's cells as kept: its labels over {@code extended}, the block's own cells numbered 1..inner first. */
  record Part(BlockGrid.Box block, BlockGrid.Box extended, int inner, int count, int[] labels) {
    /** The label at a volume position inside {@code extended}. */
    int at(long z, int y, int x) {
      return labels[(int) (((z - extended.z()) * extended.height() + y - extended.y()) * extended.width() + x
          - extended.x())];
    }
  }

  /** The hidden folder beside an instances output {@code target} (an array folder or a TIFF file). */
  static Path folderOf(String target) {
    Path path = Path.of(target).toAbsolutePath().normalize();
    return path.resolveSibling("." + path.getFileName() + ".parts");
  }

  Path file(long block) {
    return Path.of(dir).resolve(String.format(Locale.ROOT, "block-%d.cells", block));
  }

  @Override
  public BlockOutput open(VolumeJob job) {
    return new BlockOutput() {
      @Override
      public int[] halo() {
        return new int[] {0, HALO, HALO};
      }

      @Override
      public boolean complete(BlockGrid.Box block) {
        return finished || Files.isRegularFile(file(job.grid().index(block)));
      }

      @Override
      public void accept(BlockResult result) {
        if (finished) {
          return;
        }
        write(job.grid().index(result.block()), segment(result));
      }
    };
  }

  /** Segments a predicted block (with its halo) into cells. */
  Part segment(BlockResult result) {
    BlockGrid.Box block = result.block();
    BlockGrid.Box extended = result.extended();
    float[][] cell = new float[extended.depth()][];
    for (int z = 0; z < cell.length; z++) {
      cell[z] = CellInstances.cellProbability(result.probabilities()[z], result.classes());
    }
    Instances.BlockCells cells = Instances.segmentBlock(cell, extended.width(), extended.height(),
        block.x() - extended.x(), block.y() - extended.y(), block.width(), block.height(), parameters);
    return new Part(block, extended, cells.inner(), cells.count(), cells.labels());
  }

  void write(long block, Part part) {
    ByteBuffer raw = ByteBuffer.allocate(part.labels().length * 4).order(ByteOrder.LITTLE_ENDIAN);
    raw.asIntBuffer().put(part.labels());
    byte[] packed = Zstd.compress(raw.array(), 3);
    AtomicFiles.write(file(block), out -> {
      DataOutputStream data = new DataOutputStream(out);
      data.writeInt(MAGIC);
      writeBox(data, part.block());
      writeBox(data, part.extended());
      data.writeInt(part.inner());
      data.writeInt(part.count());
      data.writeInt(raw.capacity());
      data.write(packed);
      data.flush();
    });
  }

  /** Block {@code block}'s part; {@code headerOnly} leaves its labels unread (null). */
  Part read(long block, boolean headerOnly) {
    Path file = file(block);
    try (InputStream in = Files.newInputStream(file); DataInputStream data = new DataInputStream(in)) {
      if (data.readInt() != MAGIC) {
        throw UserError.output(file + ": expected a block's cells written by unet-tf, found another file; delete "
            + dir + " and run again");
      }
      BlockGrid.Box own = readBox(data);
      BlockGrid.Box extended = readBox(data);
      int inner = data.readInt();
      int count = data.readInt();
      int bytes = data.readInt();
      if (headerOnly) {
        return new Part(own, extended, inner, count, null);
      }
      byte[] raw = Zstd.decompress(data.readAllBytes(), bytes);
      int[] labels = new int[bytes / 4];
      ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(labels);
      return new Part(own, extended, inner, count, labels);
    } catch (NoSuchFileException e) {
      throw UserError.output(file + ": block " + block + "'s cells are missing; run the same command again to "
          + "segment it");
    } catch (IOException | RuntimeException e) {
      if (e instanceof UserError u) {
        throw u;
      }
      throw UserError.output(file + ": cannot read block " + block + "'s cells (" + e.getMessage() + "); delete "
          + dir + " and run again");
    }
  }

  private static void writeBox(DataOutputStream out, BlockGrid.Box b) throws IOException {
    out.writeLong(b.z());
    out.writeInt(b.y());
    out.writeInt(b.x());
    out.writeInt(b.depth());
    out.writeInt(b.height());
    out.writeInt(b.width());
  }

  private static BlockGrid.Box readBox(DataInputStream in) throws IOException {
    return new BlockGrid.Box(in.readLong(), in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readInt());
  }
}
