import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.File;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

/**
 * Assembles ISBI 2012 slices into multi-page TIFF stacks and checks them, with the JDK alone (run
 * as {@code java tools/IsbiStacks.java}), so tools/fetch-isbi.sh needs no build.
 *
 * <pre>
 *   assemble OUT.tif SLICE.png...   write the slices, in order, as one 8-bit grey TIFF
 *   check STACK.tif SHA256          30 × 512 × 512, 8-bit grey, pixels hashing to SHA256
 * </pre>
 */
public class IsbiStacks {
  public static void main(String[] args) throws Exception {
    if (args.length >= 3 && args[0].equals("assemble")) {
      assemble(new File(args[1]), java.util.Arrays.copyOfRange(args, 2, args.length));
    } else if (args.length == 3 && args[0].equals("check")) {
      check(new File(args[1]), args[2]);
    } else {
      System.err.println("usage: IsbiStacks assemble OUT.tif SLICE... | check STACK.tif SHA256");
      System.exit(2);
    }
  }

  static void assemble(File out, String[] slices) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("tiff").next();
    try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(stream);
      writer.prepareWriteSequence(null);
      for (String slice : slices) {
        BufferedImage read = ImageIO.read(new File(slice));
        if (read == null) {
          throw new IOException(slice + " is not an image");
        }
        BufferedImage grey = new BufferedImage(read.getWidth(), read.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setRect(read.getRaster().createChild(0, 0, read.getWidth(), read.getHeight(), 0, 0, new int[] {0}));
        writer.writeToSequence(new IIOImage(grey, null, null), null);
      }
      writer.endWriteSequence();
    } finally {
      writer.dispose();
    }
  }

  static void check(File stack, String expected) throws Exception {
    try (ImageInputStream in = ImageIO.createImageInputStream(stack)) {
      ImageReader reader = ImageIO.getImageReaders(in).next();
      reader.setInput(in);
      int pages = reader.getNumImages(true);
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (int i = 0; i < pages; i++) {
        Raster r = reader.read(i).getRaster();
        if (r.getWidth() != 512 || r.getHeight() != 512 || r.getNumBands() != 1 || r.getSampleModel().getSampleSize(0) != 8) {
          fail(stack + " slice " + i + " is " + r.getWidth() + "×" + r.getHeight() + " with " + r.getNumBands()
              + " band(s) of " + r.getSampleModel().getSampleSize(0) + " bits; expected 512×512 8-bit grey");
        }
        int[] pixels = r.getPixels(0, 0, 512, 512, (int[]) null);
        byte[] bytes = new byte[pixels.length];
        for (int k = 0; k < pixels.length; k++) {
          bytes[k] = (byte) pixels[k];
        }
        sha.update(bytes);
      }
      if (pages != 30) {
        fail(stack + " has " + pages + " slices; expected 30");
      }
      String actual = HexFormat.of().formatHex(sha.digest());
      if (!actual.equals(expected)) {
        fail(stack + " has the right shape but other pixels than the ISBI 2012 stack (pixel SHA-256 " + actual + ")");
      }
      System.out.println("ok: " + stack + " is 30 × 512 × 512, 8-bit, pixels as expected");
    }
  }

  static void fail(String message) {
    System.err.println("error: " + message);
    System.exit(1);
  }
}
