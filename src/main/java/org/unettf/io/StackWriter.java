package org.unettf.io;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferFloat;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.unettf.error.UserError;

/** Writes multi-page TIFF stacks (float32 or 8-bit grey) and PNG pictures, atomically. */
public final class StackWriter {
  static {
    // ImageIO would buffer every encoded stream in a temporary file of its own, outside the atomic
    // writes (and on a full disk, fail in a shutdown thread of its own): memory serves as well.
    ImageIO.setUseCache(false);
  }

  private StackWriter() {}

  /** Float32 grey pages: the ISBI submission format for probability maps. */
  public static void writeFloatTiff(Path target, int width, int height, List<float[]> slices) {
    AtomicFiles.write(target, floatTiff(target, width, height, slices));
  }

  /** 8-bit grey pages. */
  public static void writeByteTiff(Path target, int width, int height, List<byte[]> slices) {
    AtomicFiles.write(target, byteTiff(target, width, height, slices));
  }

  public static void writePng(Path target, BufferedImage image) {
    AtomicFiles.write(target, png(image));
  }

  /** What {@link #writeFloatTiff} writes, for an {@link OutputSet}. */
  public static AtomicFiles.Body floatTiff(Path target, int width, int height, List<float[]> slices) {
    return tiff(target, slices.stream().map(s -> floatImage(width, height, s)).toList());
  }

  /** What {@link #writeByteTiff} writes, for an {@link OutputSet}. */
  public static AtomicFiles.Body byteTiff(Path target, int width, int height, List<byte[]> slices) {
    return tiff(target, slices.stream().map(s -> byteImage(width, height, s)).toList());
  }

  /** A PNG picture, for an {@link OutputSet}. */
  public static AtomicFiles.Body png(BufferedImage image) {
    return out -> {
      if (!ImageIO.write(image, "png", out)) {
        throw new IOException("no PNG writer available");
      }
    };
  }

  public static BufferedImage byteImage(int width, int height, byte[] pixels) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    System.arraycopy(pixels, 0, ((DataBufferByte) image.getRaster().getDataBuffer()).getData(), 0, pixels.length);
    return image;
  }

  static BufferedImage floatImage(int width, int height, float[] pixels) {
    ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY),
        false, false, Transparency.OPAQUE, DataBuffer.TYPE_FLOAT);
    DataBufferFloat buffer = new DataBufferFloat(pixels.clone(), pixels.length);
    WritableRaster raster = Raster.createWritableRaster(
        new PixelInterleavedSampleModel(DataBuffer.TYPE_FLOAT, width, height, 1, width, new int[] {0}), buffer, null);
    return new BufferedImage(model, raster, false, null);
  }

  /**
   * The JDK's own TIFF writer: unlike TwelveMonkeys 3.12's it writes float32 samples, and it
   * compresses them.
   */
  private static ImageWriter tiffWriter() throws IOException {
    ImageWriter fallback = null;
    for (Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("tiff"); it.hasNext(); ) {
      ImageWriter writer = it.next();
      if (writer.getClass().getName().startsWith("com.sun.imageio")) {
        return writer;
      }
      fallback = writer;
    }
    if (fallback == null) {
      throw new IOException("no TIFF writer on the class path");
    }
    return fallback;
  }

  private static AtomicFiles.Body tiff(Path target, List<BufferedImage> pages) {
    if (pages.isEmpty()) {
      throw UserError.output("cannot write " + target + ": no slices to write");
    }
    return out -> {
      ImageWriter writer = tiffWriter();
      try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
        writer.setOutput(stream);
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionType("Deflate");
        writer.prepareWriteSequence(null);
        for (BufferedImage page : pages) {
          writer.writeToSequence(new IIOImage(page, null, null), param);
        }
        writer.endWriteSequence();
      } finally {
        writer.dispose();
      }
    };
  }
}
