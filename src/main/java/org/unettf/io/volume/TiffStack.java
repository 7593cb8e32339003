package org.unettf.io.volume;

import java.awt.Rectangle;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.unettf.error.UserError;
import org.unettf.io.AtomicFiles;
import org.unettf.io.TiffStructure;

/**
 * A multi-page TIFF read page by page: a read decodes only the pages (and, where the decoder
 * allows, the part of each page) its box covers, so a stack of any length fits in bounded memory.
 * Shape {@code [z, y, x]}, or {@code [c, z, y, x]} for pages of several samples (RGB: c = 3);
 * chunks are single pages. Samples come as stored through {@code readRaster} where the decoder
 * has it: TwelveMonkeys' {@code read} scales float pages into [0, 1]. ImageIO readers are not
 * thread-safe, so each thread borrows its own from a pool.
 */
final class TiffStack extends AbstractVolume {
  private final Path file;
  private final int pages;
  private final int width;
  private final int height;
  private final int bands;
  private final boolean tiled;
  private final ConcurrentLinkedQueue<PageReader> idle = new ConcurrentLinkedQueue<>();
  private volatile boolean closed;

  private record PageReader(ImageInputStream in, ImageReader reader) {
    void dispose() {
      reader.dispose();
      try {
        in.close();
      } catch (IOException ignored) {
        // Closing a read-only stream loses nothing.
      }
    }
  }

  private TiffStack(String describe, Path file, TiffPages.Page first, int pages, DType dtype) {
    super(describe, dtype, Map.of());
    this.file = file;
    this.pages = pages;
    this.width = first.width();
    this.height = first.height();
    this.bands = first.samples();
    this.tiled = first.tiled();
  }

  static TiffStack open(String describe, Path file) {
    if (!Files.isRegularFile(file)) {
      throw UserError.input(describe + " not found" + (Files.isDirectory(file) ? " (it is a folder)" : ""));
    }
    List<TiffPages.Page> pages;
    try {
      if (Files.size(file) == 0) {
        throw UserError.input(describe + " is empty (0 bytes)");
      }
      if (!Volumes.isTiff(Volumes.head(file))) {
        throw UserError.input(describe + " is not a TIFF file (found " + Layout.found(file) + ")");
      }
      String damage = TiffStructure.damage(file);
      if (damage != null) {
        throw UserError.input(describe + " is corrupt or truncated (" + damage + ")");
      }
      pages = TiffPages.read(file);
    } catch (IOException e) {
      throw UserError.input(describe + " is corrupt or truncated (" + AtomicFiles.describe(e) + ")");
    }
    if (pages.isEmpty()) {
      throw UserError.input(describe + " holds no images");
    }
    TiffPages.Page first = pages.get(0);
    for (int z = 1; z < pages.size(); z++) {
      TiffPages.Page page = pages.get(z);
      if (!page.equals(first)) {
        throw UserError.input(describe + " page " + z + " is " + words(page) + " but page 0 is " + words(first)
            + "; all pages of a stack must match");
      }
    }
    DType dtype = typeOf(first);
    if (dtype == null) {
      throw UserError.input(describe + " has " + words(first) + " pages; supported: 8-, 16- and 32-bit integers, "
          + "32- and 64-bit floats");
    }
    TiffStack stack = new TiffStack(describe, file, first, pages.size(), dtype);
    PageReader reader = stack.borrow();
    try {
      int decodable = reader.reader().getNumImages(true);
      if (decodable != pages.size()) {
        throw UserError.input(describe + " has " + pages.size() + " image directories but its decoder sees "
            + decodable + " pages");
      }
    } catch (IOException | RuntimeException e) {
      reader.dispose();
      if (e instanceof UserError u) {
        throw u;
      }
      throw UserError.input(describe + " is corrupt or truncated (" + reason(e) + ")");
    }
    stack.giveBack(reader);
    return stack;
  }

  private static DType typeOf(TiffPages.Page page) {
    return switch (page.format()) {
      case 1 -> page.bits() == 8 ? DType.UINT8 : page.bits() == 16 ? DType.UINT16 : page.bits() == 32 ? DType.UINT32 : null;
      case 2 -> page.bits() == 8 ? DType.INT8 : page.bits() == 16 ? DType.INT16 : page.bits() == 32 ? DType.INT32 : null;
      case 3 -> page.bits() == 32 ? DType.FLOAT32 : page.bits() == 64 ? DType.FLOAT64 : null;
      default -> null;
    };
  }

  private static String words(TiffPages.Page page) {
    String kind = switch (page.format()) {
      case 2 -> "signed";
      case 3 -> "float";
      default -> "unsigned";
    };
    return page.width() + "×" + page.height() + " with " + page.samples() + " " + page.bits() + "-bit " + kind
        + " sample" + (page.samples() == 1 ? "" : "s");
  }

  @Override
  public long[] shape() {
    return bands == 1 ? new long[] {pages, height, width} : new long[] {bands, pages, height, width};
  }

  @Override
  public int[] chunks() {
    return bands == 1 ? new int[] {1, height, width} : new int[] {bands, 1, height, width};
  }

  @Override
  public float[] readFloats(long[] offset, int[] size) {
    return Boxes.readFloats(this, offset, size, out -> read(offset, size, (raster, band, to, n, x, y, w, h) -> {
      if (dtype.isFloat()) {
        float[] samples = raster.getSamples(x, y, w, h, band, (float[]) null);
        System.arraycopy(samples, 0, out, to, n);
      } else {
        int[] samples = raster.getSamples(x, y, w, h, band, (int[]) null);
        for (int i = 0; i < n; i++) {
          out[to + i] = integer(samples[i]);
        }
      }
    }));
  }

  @Override
  public long[] readLongs(long[] offset, int[] size) {
    return Boxes.readLongs(this, offset, size, out -> read(offset, size, (raster, band, to, n, x, y, w, h) -> {
      int[] samples = raster.getSamples(x, y, w, h, band, (int[]) null);
      for (int i = 0; i < n; i++) {
        out[to + i] = integer(samples[i]);
      }
    }));
  }

  /** A decoded sample read by the page's type: decoders differ in which Java type they widen to. */
  private long integer(int sample) {
    return switch (dtype) {
      case UINT8 -> sample & 0xff;
      case INT8 -> (byte) sample;
      case UINT16 -> sample & 0xffff;
      case INT16 -> (short) sample;
      case UINT32 -> sample & 0xffffffffL;
      default -> sample;
    };
  }

  @FunctionalInterface
  private interface Plane {
    void copy(Raster raster, int band, int to, int length, int x, int y, int w, int h);
  }

  private void read(long[] offset, int[] size, Plane plane) {
    int base = bands == 1 ? 0 : 1;
    int c0 = bands == 1 ? 0 : (int) offset[0];
    int channels = bands == 1 ? 1 : size[0];
    int z0 = (int) offset[base];
    int depth = size[base];
    int y0 = (int) offset[base + 1];
    int rows = size[base + 1];
    int x0 = (int) offset[base + 2];
    int columns = size[base + 2];
    int area = rows * columns;
    if (area == 0 || depth == 0 || channels == 0) {
      return;
    }
    PageReader reader = borrow();
    try {
      for (int z = 0; z < depth; z++) {
        Raster raster = decode(reader, z0 + z, x0, y0, columns, rows);
        // A whole page comes back where the region could not be decoded alone.
        int x = raster.getMinX() + (raster.getWidth() == columns ? 0 : x0);
        int y = raster.getMinY() + (raster.getHeight() == rows ? 0 : y0);
        for (int c = 0; c < channels; c++) {
          plane.copy(raster, c0 + c, (c * depth + z) * area, area, x, y, columns, rows);
        }
      }
    } finally {
      giveBack(reader);
    }
  }

  private Raster decode(PageReader reader, int page, int x0, int y0, int columns, int rows) {
    ImageReader decoder = reader.reader();
    try {
      ImageReadParam param = decoder.getDefaultReadParam();
      // TwelveMonkeys 3.12 fails on regions of tiled pages, so those are decoded whole.
      boolean region = !tiled;
      if (region) {
        param.setSourceRegion(new Rectangle(x0, y0, columns, rows));
      }
      Raster raster = decoder.canReadRaster() ? decoder.readRaster(page, param) : decoder.read(page, param).getRaster();
      int wantWidth = region ? columns : width;
      int wantHeight = region ? rows : height;
      if (raster.getWidth() != wantWidth || raster.getHeight() != wantHeight || raster.getNumBands() != bands) {
        throw new IOException("the decoder returned " + raster.getWidth() + "×" + raster.getHeight() + " pixels of "
            + raster.getNumBands() + " samples for " + wantWidth + "×" + wantHeight + " of " + bands);
      }
      return raster;
    } catch (IOException | RuntimeException e) {
      throw UserError.input(describe + " is corrupt or truncated at page " + page + " (" + reason(e) + ")");
    }
  }

  private PageReader borrow() {
    if (closed) {
      throw new IllegalStateException(describe + " is closed");
    }
    PageReader reader = idle.poll();
    return reader != null ? reader : newReader();
  }

  private void giveBack(PageReader reader) {
    idle.offer(reader);
    if (closed) {
      drain();
    }
  }

  private PageReader newReader() {
    try {
      ImageInputStream in = ImageIO.createImageInputStream(file.toFile());
      if (in == null) {
        throw UserError.input("cannot open " + describe);
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        in.close();
        throw UserError.input(describe + " is not a TIFF image (" + Layout.found(file) + ")");
      }
      ImageReader reader = readers.next();
      reader.setInput(in, false, true);
      return new PageReader(in, reader);
    } catch (IOException e) {
      throw UserError.input("cannot read " + describe + " (" + AtomicFiles.describe(e) + ")");
    }
  }

  private static String reason(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? "undecodable" : message.replace('\n', ' ');
  }

  private void drain() {
    for (PageReader reader = idle.poll(); reader != null; reader = idle.poll()) {
      reader.dispose();
    }
  }

  @Override
  public void close() {
    closed = true;
    drain();
  }
}
