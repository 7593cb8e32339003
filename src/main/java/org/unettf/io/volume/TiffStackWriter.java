package org.unettf.io.volume;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferFloat;
import java.awt.image.DataBufferInt;
import java.awt.image.DataBufferUShort;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.plugins.tiff.BaselineTIFFTagSet;
import javax.imageio.plugins.tiff.TIFFDirectory;
import javax.imageio.plugins.tiff.TIFFField;
import javax.imageio.plugins.tiff.TIFFTag;
import javax.imageio.stream.FileImageOutputStream;
import javax.imageio.stream.ImageOutputStream;
import org.unettf.error.UserError;
import org.unettf.io.AtomicFiles;

/**
 * A multi-page TIFF written page by page, {@code [z, y, x]} with one chunk per page: pages are
 * appended to a temporary sibling as they arrive and {@link #commit()} renames it into place, so a
 * writer closed without commit leaves nothing behind. Pages may arrive out of order; those ahead of
 * the next one to append wait in memory until it comes. uint8, uint16, uint32 and float32 pages,
 * Deflate-compressed unless asked for none, through the JDK's TIFF writer.
 */
public final class TiffStackWriter extends AbstractWritableVolume {
  private final Path target;
  private final Path partial;
  private final boolean compress;
  private final ImageWriter writer;
  private final ImageOutputStream out;
  private final TreeMap<Integer, Object> waiting = new TreeMap<>();
  private int next;
  private boolean committed;
  private boolean closed;
  private TiffStack written;

  private TiffStackWriter(String describe, Path target, Path partial, long[] shape, DType dtype, boolean compress,
      ImageWriter writer, ImageOutputStream out) {
    super(describe, new ChunkGrid(shape, new int[] {1, (int) shape[1], (int) shape[2]}), dtype, Map.of());
    this.target = target;
    this.partial = partial;
    this.compress = compress;
    this.writer = writer;
    this.out = out;
  }

  /** A stack of {@code shape} = {@code [z, y, x]}; compression {@code none} writes raw pages, anything else Deflate. */
  public static TiffStackWriter create(String describe, Path target, long[] shape, DType dtype,
      Compression compression, IfExists ifExists) {
    if (shape.length != 3) {
      throw UserError.config(describe + ": a TIFF stack holds [z, y, x]; shape " + Arrays.toString(shape) + " has "
          + shape.length + " axes; use a .zarr or .n5 path");
    }
    if (shape[0] < 1 || shape[1] < 1 || shape[2] < 1 || shape[1] > Integer.MAX_VALUE || shape[2] > Integer.MAX_VALUE
        || shape[0] > Integer.MAX_VALUE || shape[1] * shape[2] > Integer.MAX_VALUE) {
      throw UserError.config(describe + ": shape " + Arrays.toString(shape) + " does not fit TIFF pages");
    }
    if (dtype != DType.UINT8 && dtype != DType.UINT16 && dtype != DType.UINT32 && dtype != DType.FLOAT32) {
      throw UserError.config(describe + ": TIFF output holds uint8, uint16, uint32 or float32 pages, not " + dtype
          + "; use a .zarr or .n5 path");
    }
    if (Files.isDirectory(target)) {
      throw UserError.output(describe + " exists and is a folder; choose another path");
    }
    if (ifExists == IfExists.FAIL && Files.exists(target)) {
      throw UserError.output(describe + " exists already; choose another path or overwrite it");
    }
    // A TIFF cannot be resumed: the stack is rewritten and replaces the old file only at commit.
    ImageWriter writer = jdkWriter(describe);
    Path partial = AtomicFiles.partialSibling(target);
    ImageOutputStream out = null;
    try {
      Files.createDirectories(partial.getParent());
      out = new FileImageOutputStream(partial.toFile());
      writer.setOutput(out);
      writer.prepareWriteSequence(null);
      return new TiffStackWriter(describe, target, partial, shape, dtype, !isNone(compression), writer, out);
    } catch (IOException | RuntimeException e) {
      writer.dispose();
      closeQuietly(out);
      AtomicFiles.deleteQuietly(partial);
      throw UserError.output("cannot write " + describe + " (" + reason(e) + ")");
    }
  }

  private static boolean isNone(Compression compression) {
    return compression != null && compression.codec() == Compression.Codec.NONE;
  }

  /** The JDK's own TIFF writer: it writes float32 and uint32 samples and compresses them. */
  private static ImageWriter jdkWriter(String describe) {
    for (Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("tiff"); it.hasNext(); ) {
      ImageWriter writer = it.next();
      if (writer.getClass().getName().startsWith("com.sun.imageio")) {
        return writer;
      }
      writer.dispose();
    }
    throw UserError.output("cannot write " + describe + ": this Java runtime has no TIFF writer");
  }

  @Override
  synchronized void write(long[] index, Object values, int length) {
    if (committed || closed) {
      throw new IllegalStateException(describe + " is " + (committed ? "committed" : "closed"));
    }
    Boxes.checkWrite(this, index, values, length);
    int page = (int) index[0];
    if (page < next || waiting.containsKey(page)) {
      throw new IllegalArgumentException("page " + page + " of " + describe + " was written already");
    }
    waiting.put(page, copy(values));
    while (!waiting.isEmpty() && waiting.firstKey() == next) {
      append(waiting.pollFirstEntry().getValue());
      next++;
    }
  }

  private static Object copy(Object values) {
    if (values instanceof float[] v) {
      return v.clone();
    }
    if (values instanceof byte[] v) {
      return v.clone();
    }
    if (values instanceof short[] v) {
      return v.clone();
    }
    return ((int[]) values).clone();
  }

  private void append(Object values) {
    try {
      BufferedImage image = image(values);
      ImageWriteParam param = writer.getDefaultWriteParam();
      if (compress) {
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionType("Deflate");
      } else {
        param.setCompressionMode(ImageWriteParam.MODE_DISABLED);
      }
      IIOMetadata metadata = null;
      if (dtype == DType.UINT32) {
        // The writer calls 32-bit integer samples signed unless the page says otherwise.
        TIFFDirectory directory = TIFFDirectory.createFromMetadata(
            writer.getDefaultImageMetadata(new ImageTypeSpecifier(image), param));
        directory.addTIFFField(new TIFFField(
            BaselineTIFFTagSet.getInstance().getTag(BaselineTIFFTagSet.TAG_SAMPLE_FORMAT), TIFFTag.TIFF_SHORT, 1,
            new char[] {BaselineTIFFTagSet.SAMPLE_FORMAT_UNSIGNED_INTEGER}));
        metadata = directory.getAsMetadata();
      }
      writer.writeToSequence(new IIOImage(image, null, metadata), param);
    } catch (IOException | RuntimeException e) {
      abandon();
      throw UserError.output("cannot write " + describe + " (" + reason(e) + ")");
    }
  }

  private BufferedImage image(Object values) {
    int w = (int) grid.shape()[2];
    int h = (int) grid.shape()[1];
    DataBuffer buffer;
    int type;
    int bits;
    if (values instanceof byte[] v) {
      buffer = new DataBufferByte(v, v.length);
      type = DataBuffer.TYPE_BYTE;
      bits = 8;
    } else if (values instanceof short[] v) {
      buffer = new DataBufferUShort(v, v.length);
      type = DataBuffer.TYPE_USHORT;
      bits = 16;
    } else if (values instanceof int[] v) {
      buffer = new DataBufferInt(v, v.length);
      type = DataBuffer.TYPE_INT;
      bits = 32;
    } else {
      float[] v = (float[]) values;
      buffer = new DataBufferFloat(v, v.length);
      type = DataBuffer.TYPE_FLOAT;
      bits = 32;
    }
    ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY),
        new int[] {bits}, false, false, Transparency.OPAQUE, type);
    WritableRaster raster = Raster.createWritableRaster(
        new PixelInterleavedSampleModel(type, w, h, 1, w, new int[] {0}), buffer, null);
    return new BufferedImage(model, raster, false, null);
  }

  @Override
  public synchronized boolean chunkComplete(long[] chunkIndex) {
    grid.check(chunkIndex);
    int page = (int) chunkIndex[0];
    return page < next || waiting.containsKey(page);
  }

  @Override
  public synchronized void commit() {
    if (committed) {
      return;
    }
    if (closed) {
      throw new IllegalStateException(describe + " is closed");
    }
    int pages = (int) grid.shape()[0];
    if (next < pages) {
      throw UserError.output("cannot finish " + describe + ": " + next + " of " + pages + " pages are written in "
          + "order, page " + next + " is missing");
    }
    try {
      writer.endWriteSequence();
      out.close();
      AtomicFiles.move(partial, target);
    } catch (IOException | RuntimeException e) {
      abandon();
      throw UserError.output("cannot write " + describe + " (" + reason(e) + ")");
    }
    writer.dispose();
    committed = true;
  }

  /** Drops the temporary file; the target, old or absent, stays as it was. */
  private void abandon() {
    closed = true;
    waiting.clear();
    writer.dispose();
    closeQuietly(out);
    AtomicFiles.deleteQuietly(partial);
  }

  private static void closeQuietly(ImageOutputStream stream) {
    if (stream == null) {
      return;
    }
    try {
      stream.close();
    } catch (IOException ignored) {
      // The file is deleted next, so nothing it held matters.
    }
  }

  private static String reason(Exception e) {
    if (e instanceof IOException io) {
      return AtomicFiles.describe(io);
    }
    String message = e.getMessage();
    return message == null || message.isBlank() ? "write failed" : message.replace('\n', ' ');
  }

  /** The committed stack; before commit there is nothing on disk to read. */
  private synchronized TiffStack written() {
    if (!committed) {
      throw new IllegalStateException(describe + " can be read only once committed");
    }
    if (written == null) {
      written = TiffStack.open(describe, target);
    }
    return written;
  }

  @Override
  public float[] readFloats(long[] offset, int[] size) {
    return written().readFloats(offset, size);
  }

  @Override
  public long[] readLongs(long[] offset, int[] size) {
    return written().readLongs(offset, size);
  }

  @Override
  public synchronized void close() {
    if (written != null) {
      written.close();
    }
    if (!committed && !closed) {
      abandon();
    }
    closed = true;
  }
}
