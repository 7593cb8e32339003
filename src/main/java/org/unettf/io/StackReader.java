package org.unettf.io;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import org.unettf.config.ClassMap;
import org.unettf.error.UserError;

/**
 * Reads image and label stacks: a multi-page TIFF, a single TIFF or PNG slice, or a folder of
 * them (sorted by name). Every failure is a one-line {@link UserError} naming the file and the
 * config key or option it came from ({@code role}).
 */
public final class StackReader {
  private static final List<String> SLICE_SUFFIXES = List.of(".tif", ".tiff", ".png");

  private StackReader() {}

  /**
   * Grey images in [0, 1]. 16-bit slices are divided by 65535; RGB slices become their luma
   * (ITU-R BT.601), reported through {@code notice}, since the network sees one channel.
   */
  public static ImageStack readImages(Path path, String role, Consumer<String> notice) {
    return readImages(path, role, 1, notice);
  }

  /**
   * Images in [0, 1] with {@code channels} values per pixel (1: grey, 3: RGB). 16-bit samples are
   * divided by 65535. RGB becomes luma for a grey network; grey is repeated for an RGB one; both
   * are reported through {@code notice}. An alpha channel is dropped.
   */
  public static ImageStack readImages(Path path, String role, int channels, Consumer<String> notice) {
    RawStack raw = read(path, role);
    boolean colour = raw.bands() >= 3;
    if (channels == 1 && colour) {
      notice.accept(role + ": " + path + " is RGB; using its luma (0.299 R + 0.587 G + 0.114 B) as the grey image");
    } else if (channels == 3 && !colour) {
      notice.accept(role + ": " + path + " is grey; repeating it in all three channels of the RGB network");
    }
    if (raw.bits() == 16) {
      notice.accept(role + ": " + path + " is 16-bit; scaling it to [0, 1] by 1/65535");
    }
    float scale = switch (raw.bits()) {
      case 8 -> 1f / 255f;
      case 16 -> 1f / 65535f;
      default -> 1f;
    };
    if (raw.bits() == 32) {
      checkFinite(raw, path, role);
    }
    float[][] out = new float[raw.slices().length][];
    int pixels = raw.width() * raw.height();
    int bands = raw.bands();
    for (int z = 0; z < out.length; z++) {
      float[] samples = raw.slices()[z];
      float[] converted = new float[pixels * channels];
      for (int i = 0; i < pixels; i++) {
        int o = i * bands;
        if (channels == 1) {
          converted[i] = (colour
              ? 0.299f * samples[o] + 0.587f * samples[o + 1] + 0.114f * samples[o + 2]
              : samples[o]) * scale;
        } else {
          for (int c = 0; c < 3; c++) {
            converted[i * 3 + c] = samples[o + (colour ? c : 0)] * scale;
          }
        }
      }
      out[z] = converted;
    }
    return new ImageStack(path, raw.width(), raw.height(), channels, out);
  }

  /**
   * Float images may hold NaN or infinity, which would only surface as a "diverged" training step
   * or a blank prediction later; they are refused here, where the file and pixel are known.
   */
  private static void checkFinite(RawStack raw, Path path, String role) {
    for (int z = 0; z < raw.slices().length; z++) {
      float[] samples = raw.slices()[z];
      int first = -1;
      long count = 0;
      for (int i = 0; i < samples.length; i++) {
        if (!Float.isFinite(samples[i])) {
          first = first < 0 ? i : first;
          count++;
        }
      }
      if (first >= 0) {
        int pixel = first / raw.bands();
        throw UserError.input(role + ": " + path + " slice " + z + " has " + samples[first] + " at (x="
            + pixel % raw.width() + ", y=" + pixel / raw.width() + "), " + count + " such value(s); expected finite "
            + "intensities (float images are read as they are, ideally in [0, 1])");
      }
    }
  }

  /** Binary masks: 0 → class 0 (membrane), 255 → class 1 (cell); any other value is an error. */
  public static LabelStack readLabels(Path path, String role) {
    return readLabels(path, role, ClassMap.binary());
  }

  /**
   * Masks of single-channel 8- or 16-bit values, mapped to class indices by {@code classes}; a
   * value it does not map is an error naming the file, slice, value and where it first occurs.
   */
  public static LabelStack readLabels(Path path, String role, ClassMap classes) {
    RawStack raw = read(path, role);
    if (raw.bands() != 1 || (raw.bits() != 8 && raw.bits() != 16)) {
      throw UserError.input(role + ": " + path + " holds " + describe(raw)
          + " labels; expected single-channel 8- or 16-bit masks with values " + classes.describe());
    }
    int[] lookup = classes.lookup(raw.bits() == 8 ? 255 : 65535);
    byte[][] out = new byte[raw.slices().length][];
    for (int z = 0; z < out.length; z++) {
      float[] samples = raw.slices()[z];
      byte[] mapped = new byte[samples.length];
      for (int i = 0; i < samples.length; i++) {
        int c = lookup[(int) samples[i]];
        if (c < 0) {
          int v = (int) samples[i];
          long count = countOther(samples, lookup);
          throw UserError.input(role + ": " + path + " slice " + z + " has label value " + v + " at (x="
              + (i % raw.width()) + ", y=" + (i / raw.width()) + "), " + count + " such pixels; expected only "
              + classes.describe() + (classes.equals(ClassMap.binary()) ? "" : " (data.classes)"));
        }
        mapped[i] = (byte) c;
      }
      out[z] = mapped;
    }
    return new LabelStack(path, raw.width(), raw.height(), out);
  }

  private static long countOther(float[] samples, int[] lookup) {
    long count = 0;
    for (float s : samples) {
      if (lookup[(int) s] < 0) {
        count++;
      }
    }
    return count;
  }

  static RawStack read(Path path, String role) {
    if (!Files.exists(path)) {
      throw UserError.input(role + ": " + path + " not found. " + whereToGet(path));
    }
    if (Files.isDirectory(path)) {
      return readFolder(path, role);
    }
    return readFile(path, role);
  }

  private static String whereToGet(Path path) {
    String name = path.getFileName() == null ? "" : path.getFileName().toString();
    if (path.toString().contains("isbi2012") || name.matches("(train|test)-(volume|labels)\\.tif")) {
      return "The ISBI 2012 stacks ship in the repository's data/isbi2012/: run from the repository's folder, "
          + "restore them with git checkout data/isbi2012, or download them with tools/fetch-isbi.sh (see data/README.md)";
    }
    return "Check the path; relative paths are taken from the working directory";
  }

  /** The .tif, .tiff and .png files of a folder, in natural name order ("s2" before "s10"). */
  public static List<Path> sliceFiles(Path folder, String role) {
    List<Path> files;
    try (Stream<Path> list = Files.list(folder)) {
      files = list.filter(p -> SLICE_SUFFIXES.stream().anyMatch(s -> lower(p).endsWith(s)))
          .sorted(Comparator.comparing(StackReader::lower, StackReader::naturalCompare))
          .toList();
    } catch (IOException e) {
      throw UserError.input(role + ": cannot list folder " + folder + " (" + e.getMessage() + ")");
    }
    if (files.isEmpty()) {
      throw UserError.input(role + ": folder " + folder + " holds no .tif, .tiff or .png slices");
    }
    return files;
  }

  private static RawStack readFolder(Path folder, String role) {
    List<Path> files = sliceFiles(folder, role);
    List<float[]> slices = new ArrayList<>();
    RawStack first = null;
    for (Path file : files) {
      RawStack stack = readFile(file, role);
      if (first == null) {
        first = stack;
      } else if (stack.width() != first.width() || stack.height() != first.height()
          || stack.bands() != first.bands() || stack.bits() != first.bits()) {
        throw UserError.input(role + ": " + file + " is " + stack.width() + "×" + stack.height() + " "
            + describe(stack) + " but " + files.get(0).getFileName() + " is " + first.width() + "×"
            + first.height() + " " + describe(first) + "; all slices of a folder must match");
      }
      slices.addAll(List.of(stack.slices()));
    }
    return new RawStack(folder, first.width(), first.height(), first.bits(), first.bands(),
        slices.toArray(float[][]::new));
  }

  private static RawStack readFile(Path file, String role) {
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw UserError.input(role + ": cannot read " + file + " (" + e.getMessage() + ")");
    }
    if (size == 0) {
      throw UserError.input(role + ": " + file + " is empty (0 bytes)");
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw UserError.input(role + ": " + file + " is not a TIFF or PNG image");
      }
      ImageReader reader = readers.next();
      try {
        String format = reader.getFormatName().toLowerCase(Locale.ROOT);
        checkSuffix(file, format, role);
        if (format.startsWith("tif")) {
          String damage = TiffStructure.damage(file);
          if (damage != null) {
            throw UserError.input(role + ": " + file + " is corrupt or truncated (" + damage + ")");
          }
        }
        reader.setInput(in, false, true);
        int pages = reader.getNumImages(true);
        List<float[]> slices = new ArrayList<>(pages);
        int width = -1;
        int height = -1;
        int bits = -1;
        int bands = -1;
        for (int page = 0; page < pages; page++) {
          Raster raster = readPage(reader, page, file, role);
          int pageBits = bitsOf(raster, file, role);
          if (page == 0) {
            width = raster.getWidth();
            height = raster.getHeight();
            bits = pageBits;
            bands = raster.getNumBands();
          } else if (raster.getWidth() != width || raster.getHeight() != height
              || raster.getNumBands() != bands || pageBits != bits) {
            throw UserError.input(role + ": " + file + " page " + page + " differs in size or type from page 0 ("
                + raster.getWidth() + "×" + raster.getHeight() + " vs " + width + "×" + height + ")");
          }
          slices.add(raster.getPixels(0, 0, width, height, (float[]) null));
        }
        if (slices.isEmpty()) {
          throw UserError.input(role + ": " + file + " holds no images");
        }
        return new RawStack(file, width, height, bits, bands, slices.toArray(float[][]::new));
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof UserError u) {
        throw u;
      }
      throw UserError.input(role + ": " + file + " is corrupt or truncated (" + reason(e) + ")");
    }
  }

  private static Raster readPage(ImageReader reader, int page, Path file, String role) throws IOException {
    try {
      // TwelveMonkeys' read() converts float samples through a colour space clamped to [0, 1]
      // (infinity becomes 1, -1e30 becomes 0); readRaster() gives the samples as stored.
      ImageTypeSpecifier stored = reader.getRawImageType(page);
      if (reader.canReadRaster() && stored != null && stored.getSampleModel().getDataType() == DataBuffer.TYPE_FLOAT) {
        return reader.readRaster(page, null);
      }
      BufferedImage image = reader.read(page);
      return image.getRaster();
    } catch (IOException | RuntimeException e) {
      throw UserError.input(role + ": " + file + " is corrupt or truncated at page " + page + " (" + reason(e) + ")");
    }
  }

  private static int bitsOf(Raster raster, Path file, String role) {
    return switch (raster.getDataBuffer().getDataType()) {
      case DataBuffer.TYPE_BYTE -> raster.getSampleModel().getSampleSize(0) == 8 ? 8 : unsupported(raster, file, role);
      case DataBuffer.TYPE_USHORT, DataBuffer.TYPE_SHORT -> 16;
      case DataBuffer.TYPE_FLOAT -> 32;
      default -> unsupported(raster, file, role);
    };
  }

  private static int unsupported(Raster raster, Path file, String role) {
    throw UserError.input(role + ": " + file + " has " + raster.getSampleModel().getSampleSize(0)
        + "-bit samples of data type " + raster.getDataBuffer().getDataType()
        + "; convert it to 8-bit, 16-bit or 32-bit float grey values");
  }

  private static void checkSuffix(Path file, String format, String role) {
    String name = lower(file);
    boolean tiffName = name.endsWith(".tif") || name.endsWith(".tiff");
    boolean pngName = name.endsWith(".png");
    if ((tiffName && !format.startsWith("tif")) || (pngName && !format.equals("png"))) {
      throw UserError.input(role + ": " + file + " holds a " + format.toUpperCase(Locale.ROOT)
          + " image but its name says " + (tiffName ? "TIFF" : "PNG") + "; rename it to match its content");
    }
  }

  private static String describe(RawStack raw) {
    String depth = raw.bits() == 32 ? "32-bit float" : raw.bits() + "-bit";
    return depth + (raw.bands() == 1 ? " grey" : " " + raw.bands() + "-channel");
  }

  private static String reason(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message.replace('\n', ' ');
  }

  private static String lower(Path p) {
    return p.getFileName().toString().toLowerCase(Locale.ROOT);
  }

  /** Orders "slice2" before "slice10". */
  static int naturalCompare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char ca = a.charAt(i);
      char cb = b.charAt(j);
      if (Character.isDigit(ca) && Character.isDigit(cb)) {
        int si = i;
        int sj = j;
        while (i < a.length() && Character.isDigit(a.charAt(i))) {
          i++;
        }
        while (j < b.length() && Character.isDigit(b.charAt(j))) {
          j++;
        }
        int cmp = new BigInteger(a.substring(si, i)).compareTo(new BigInteger(b.substring(sj, j)));
        if (cmp != 0) {
          return cmp;
        }
      } else {
        if (ca != cb) {
          return Character.compare(ca, cb);
        }
        i++;
        j++;
      }
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
