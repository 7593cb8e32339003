package org.unettf.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.unettf.error.UserError;
import org.unettf.io.volume.DType;
import org.unettf.io.volume.Volume;
import org.unettf.io.volume.Volumes;

/**
 * A folder of TIFF/PNG slices (in {@link StackReader#sliceFiles} order), or a single PNG, as a
 * {@link Volume} of {@code [z, y, x]} ({@code [c, z, y, x]} for RGB) read file by file, so that a
 * folder of any length fits in bounded memory. Each file is decoded when a read needs it, with
 * StackReader's decoding and messages; a TIFF file contributes all its pages.
 */
public final class SliceFiles implements Volume {
  private final String describe;
  private final String role;
  private final List<Path> files;
  /** First slice of each file, and the total after the last. */
  private final long[] starts;
  private final int width;
  private final int height;
  private final int bits;
  private final int bands;

  private SliceFiles(String describe, String role, List<Path> files, long[] starts, RawStack first) {
    this.describe = describe;
    this.role = role;
    this.files = files;
    this.starts = starts;
    this.width = first.width();
    this.height = first.height();
    this.bits = first.bits();
    this.bands = first.bands();
  }

  /** Whether {@code path} is what this class reads rather than {@link Volumes}: a folder of slices or a PNG. */
  public static boolean handles(Path path) {
    String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
    if (Files.isDirectory(path)) {
      boolean chunked = name.endsWith(".zarr") || name.endsWith(".n5") || Files.isRegularFile(path.resolve(".zarray"))
          || Files.isRegularFile(path.resolve(".zgroup")) || Files.isRegularFile(path.resolve("attributes.json"));
      return !chunked && !path.toAbsolutePath().toString().toLowerCase(Locale.ROOT).matches(".*\\.(zarr|n5)/.*");
    }
    return name.endsWith(".png");
  }

  /** Opens a folder or PNG; {@code role} (an option such as {@code --input}) prefixes messages. */
  public static SliceFiles open(Path path, String role) {
    if (!Files.exists(path)) {
      throw UserError.input(role + ": " + path + " not found. Check the path; relative paths are taken from the "
          + "working directory");
    }
    List<Path> files = Files.isDirectory(path) ? StackReader.sliceFiles(path, role) : List.of(path);
    RawStack first = StackReader.read(files.get(0), role);
    long[] starts = new long[files.size() + 1];
    starts[1] = first.slices().length;
    for (int i = 1; i < files.size(); i++) {
      starts[i + 1] = starts[i] + pages(files.get(i));
    }
    return new SliceFiles(path.toString(), role, files, starts, first);
  }

  /** Pages of a file without decoding them: a TIFF's image directories, one for anything else. */
  private static long pages(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".tif") || name.endsWith(".tiff")) {
      try (Volume tiff = Volumes.open(file.toString())) {
        long[] shape = tiff.shape();
        return shape[shape.length - 3];
      }
    }
    return 1;
  }

  @Override
  public String describe() {
    return describe;
  }

  @Override
  public long[] shape() {
    long depth = starts[starts.length - 1];
    return bands == 1 ? new long[] {depth, height, width} : new long[] {bands, depth, height, width};
  }

  @Override
  public int[] chunks() {
    return bands == 1 ? new int[] {1, height, width} : new int[] {bands, 1, height, width};
  }

  @Override
  public DType dtype() {
    return switch (bits) {
      case 8 -> DType.UINT8;
      case 16 -> DType.UINT16;
      default -> DType.FLOAT32;
    };
  }

  @Override
  public Map<String, Object> attributes() {
    return Map.of();
  }

  @Override
  public float[] readFloats(long[] offset, int[] size) {
    long[] shape = shape();
    if (offset.length != shape.length || size.length != shape.length) {
      throw new IllegalArgumentException("a " + size.length + "-dimensional box of a " + shape.length
          + "-dimensional volume");
    }
    for (int d = 0; d < shape.length; d++) {
      if (offset[d] < 0 || size[d] < 0 || offset[d] + size[d] > shape[d]) {
        throw new IllegalArgumentException("box " + Arrays.toString(offset) + " + " + Arrays.toString(size)
            + " lies outside " + Arrays.toString(shape));
      }
    }
    int base = bands == 1 ? 0 : 1;
    int c0 = bands == 1 ? 0 : (int) offset[0];
    int channels = bands == 1 ? 1 : size[0];
    long z0 = offset[base];
    int depth = size[base];
    int y0 = (int) offset[base + 1];
    int rows = size[base + 1];
    int x0 = (int) offset[base + 2];
    int columns = size[base + 2];
    int area = rows * columns;
    float[] out = new float[channels * depth * area];
    int file = -1;
    RawStack decoded = null;
    for (int z = 0; z < depth; z++) {
      long slice = z0 + z;
      int at = fileOf(slice);
      if (at != file) {
        file = at;
        decoded = decode(at);
      }
      float[] samples = decoded.slices()[(int) (slice - starts[at])];
      for (int c = 0; c < channels; c++) {
        int to = (c * depth + z) * area;
        for (int y = 0; y < rows; y++) {
          int from = ((y0 + y) * width + x0) * bands + c0 + c;
          for (int x = 0; x < columns; x++) {
            out[to++] = samples[from + x * bands];
          }
        }
      }
    }
    return out;
  }

  private int fileOf(long slice) {
    int i = Arrays.binarySearch(starts, slice);
    // A hit is the first slice of file i (files of no pages share a start with the next one).
    if (i >= 0) {
      while (i + 1 < starts.length - 1 && starts[i + 1] == slice) {
        i++;
      }
      return i;
    }
    return -i - 2;
  }

  private RawStack decode(int index) {
    Path file = files.get(index);
    RawStack stack = StackReader.read(file, role);
    if (stack.width() != width || stack.height() != height || stack.bands() != bands || stack.bits() != bits) {
      throw UserError.input(role + ": " + file + " is " + stack.width() + "×" + stack.height() + " " + words(stack.bits(),
          stack.bands()) + " but " + files.get(0).getFileName() + " is " + width + "×" + height + " "
          + words(bits, bands) + "; all slices of a folder must match");
    }
    long expected = starts[index + 1] - starts[index];
    if (stack.slices().length != expected) {
      throw UserError.input(role + ": " + file + " holds " + stack.slices().length + " pages where its image "
          + "directories promised " + expected);
    }
    return stack;
  }

  private static String words(int bits, int bands) {
    String depth = bits == 32 ? "32-bit float" : bits + "-bit";
    return depth + (bands == 1 ? " grey" : " " + bands + "-channel");
  }

  @Override
  public long[] readLongs(long[] offset, int[] size) {
    if (bits == 32) {
      throw UserError.input(describe + " holds float values; integer labels were expected");
    }
    float[] values = readFloats(offset, size);
    long[] out = new long[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (long) values[i];
    }
    return out;
  }

  @Override
  public void close() {
    // Every read opens and closes its own files.
  }
}
