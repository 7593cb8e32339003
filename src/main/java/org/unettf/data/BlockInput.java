package org.unettf.data;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import org.unettf.error.UserError;
import org.unettf.io.SliceFiles;
import org.unettf.io.volume.DType;
import org.unettf.io.volume.Volume;
import org.unettf.io.volume.Volumes;
import org.unettf.numerics.Mirror;

/**
 * A volume as the network's input, block by block: {@code [z, y, x]} grey or {@code [c, z, y, x]}
 * multi-channel voxels scaled to [0, 1] as {@link org.unettf.io.StackReader} scales slices (8-bit
 * by 1/255, 16-bit by 1/65535, floats as stored), RGB reduced to luma for a grey network and grey
 * repeated for an RGB one. A block's window, halo included, is read once for all its slices and
 * mirror-extended at the volume's borders as {@link Mirror#index} extends a slice.
 */
public final class BlockInput {
  private final Volume volume;
  private final String role;
  private final int channels;
  private final int bands;
  private final float scale;
  private final long[] shape;

  /**
   * A block's slices from {@code z0} over one window, which may reach beyond the volume: the
   * voxels behind it as stored, with the mirrored row and column of every window pixel, converted
   * to the network's channels as tiles are read, straight into the tiles' buffer.
   */
  public final class Window {
    private final long z0;
    private final int depth;
    private final OverlapTile.Region window;
    private final float[] raw;
    private final int[] rows;
    private final int[] columns;
    private final int boxWidth;
    private final int area;

    private Window(long z0, int depth, OverlapTile.Region window, float[] raw, int[] rows, int[] columns, int boxWidth,
        int area) {
      this.z0 = z0;
      this.depth = depth;
      this.window = window;
      this.raw = raw;
      this.rows = rows;
      this.columns = columns;
      this.boxWidth = boxWidth;
      this.area = area;
    }

    public long z0() {
      return z0;
    }

    public OverlapTile.Region window() {
      return window;
    }

    public int channels() {
      return channels;
    }

    /** Slice {@code z} of the block (0: {@code z0}) as {@link OverlapTile.Pixels}; reads must lie inside the window. */
    public OverlapTile.Pixels pixels(int z) {
      return new OverlapTile.Pixels() {
        @Override
        public float[] read(OverlapTile.Region r) {
          float[] out = new float[r.width() * r.height() * channels];
          read(r, out, 0);
          return out;
        }

        @Override
        public void read(OverlapTile.Region r, float[] into, int offset) {
          fill(z, r, into, offset);
        }
      };
    }

    /** Slice {@code z}'s pixels in {@code region} (inside the window), as the network sees them. */
    public float[] crop(int z, OverlapTile.Region region) {
      return pixels(z).read(region);
    }

    private void fill(int z, OverlapTile.Region r, float[] into, int offset) {
      if (!window.contains(r)) {
        throw new IllegalArgumentException("region " + r + " outside the block's window " + window);
      }
      int o = offset;
      int x0 = r.x() - window.x();
      for (int y = 0; y < r.height(); y++) {
        int row = z * area + rows[r.y() - window.y() + y] * boxWidth;
        if (bands == 1 && channels == 1) {
          // Grey into a grey network, the common case, without the per-pixel dispatch.
          for (int x = 0; x < r.width(); x++) {
            into[o++] = raw[row + columns[x0 + x]] * scale;
          }
          continue;
        }
        for (int x = 0; x < r.width(); x++) {
          o = pixel(raw, depth, area, row + columns[x0 + x], into, o);
        }
      }
    }
  }

  private BlockInput(Volume volume, String role, int channels, int bands, float scale) {
    this.volume = volume;
    this.role = role;
    this.channels = channels;
    this.bands = bands;
    this.scale = scale;
    long[] s = volume.shape();
    this.shape = s.length == 2 ? new long[] {1, s[0], s[1]} : s.length == 3 ? s : new long[] {s[1], s[2], s[3]};
  }

  /**
   * Opens what {@code path} names: a Zarr array, N5 dataset, HDF5 dataset or TIFF stack through
   * {@link Volumes}, or a folder of TIFF/PNG slices or a single PNG through {@link SliceFiles}.
   */
  public static BlockInput open(String path, String role, int channels, Consumer<String> notice) {
    Path file;
    try {
      file = Path.of(path);
    } catch (InvalidPathException e) {
      file = null;
    }
    Volume volume;
    if (file != null && SliceFiles.handles(file)) {
      volume = SliceFiles.open(file, role);
    } else {
      try {
        volume = Volumes.open(path);
      } catch (UserError e) {
        throw new UserError(e.exitCode(), role + ": " + e.getMessage(), e);
      }
    }
    try {
      return of(volume, role, channels, notice);
    } catch (RuntimeException e) {
      volume.close();
      throw e;
    }
  }

  /**
   * The volume as input to a network of {@code channels} (1 or 3); {@code role} names the option in
   * messages, and {@code notice} hears of conversions. Types and shapes the network cannot take are
   * refused in one line.
   */
  public static BlockInput of(Volume volume, String role, int channels, Consumer<String> notice) {
    long[] s = volume.shape();
    String what = role + ": " + volume.describe();
    if (s.length < 2 || s.length > 4) {
      throw UserError.input(what + " has shape " + Arrays.toString(s) + "; expected [z, y, x] or [c, z, y, x]");
    }
    int bands = s.length == 4 ? (int) Math.min(Integer.MAX_VALUE, s[0]) : 1;
    if (bands < 1 || bands > 4) {
      throw UserError.input(what + " has shape " + Arrays.toString(s) + ", " + bands + " channels along its first "
          + "axis; expected [z, y, x] (grey) or [c, z, y, x] with c = 1 (grey), 3 (RGB) or 4 (RGBA)");
    }
    for (long d : s) {
      if (d < 1) {
        throw UserError.input(what + " has shape " + Arrays.toString(s) + "; it holds no voxels");
      }
    }
    int yAxis = s.length - 2;
    if (s[yAxis] > Integer.MAX_VALUE / 2 || s[yAxis + 1] > Integer.MAX_VALUE / 2
        || s[yAxis] * s[yAxis + 1] > Integer.MAX_VALUE / 8) {
      throw UserError.input(what + " has slices of " + s[yAxis + 1] + "×" + s[yAxis] + " px; slices of up to 2^28 px "
          + "are supported");
    }
    DType type = volume.dtype();
    float scale = switch (type) {
      case UINT8 -> 1f / 255f;
      case UINT16 -> 1f / 65535f;
      case FLOAT32, FLOAT64 -> 1f;
      default -> throw UserError.input(what + " holds " + type + " voxels; expected uint8, uint16, float32 or float64 "
          + "intensities (convert it, e.g. to uint8 or float32 in [0, 1])");
    };
    boolean colour = bands >= 3;
    if (channels == 1 && colour) {
      notice.accept(what + " is RGB; using its luma (0.299 R + 0.587 G + 0.114 B) as the grey image");
    } else if (channels == 3 && !colour) {
      notice.accept(what + " is grey; repeating it in all three channels of the RGB network");
    }
    if (type == DType.UINT16) {
      notice.accept(what + " is 16-bit; scaling it to [0, 1] by 1/65535");
    }
    return new BlockInput(volume, role, channels, bands, scale);
  }

  /** {@code [z, y, x]}. */
  public long[] shape() {
    return shape.clone();
  }

  /** The stored chunks' {@code [z, y, x]}, the natural grain of reads. */
  public int[] chunks() {
    int[] c = volume.chunks();
    return c.length == 2 ? new int[] {1, c[0], c[1]} : c.length == 3 ? c : new int[] {c[1], c[2], c[3]};
  }

  public Volume volume() {
    return volume;
  }

  /**
   * Slices {@code z0} to {@code z0 + depth} over {@code window} (which may reach beyond the volume:
   * mirrored there). The voxels behind the window are read in one box; float volumes are checked
   * for NaN and infinity there, before anything is predicted from them.
   */
  public Window read(long z0, int depth, OverlapTile.Region window) {
    int height = (int) shape[1];
    int width = (int) shape[2];
    int[] rows = new int[window.height()];
    int[] columns = new int[window.width()];
    int yMin = Integer.MAX_VALUE;
    int yMax = -1;
    int xMin = Integer.MAX_VALUE;
    int xMax = -1;
    for (int i = 0; i < rows.length; i++) {
      rows[i] = Mirror.index(window.y() + i, height);
      yMin = Math.min(yMin, rows[i]);
      yMax = Math.max(yMax, rows[i]);
    }
    for (int i = 0; i < columns.length; i++) {
      columns[i] = Mirror.index(window.x() + i, width);
      xMin = Math.min(xMin, columns[i]);
      xMax = Math.max(xMax, columns[i]);
    }
    int boxHeight = yMax - yMin + 1;
    int boxWidth = xMax - xMin + 1;
    float[] raw = readBox(z0, depth, yMin, xMin, boxHeight, boxWidth);
    if (volume.dtype().isFloat()) {
      checkFinite(raw, z0, depth, yMin, xMin, boxHeight, boxWidth);
    }
    for (int i = 0; i < rows.length; i++) {
      rows[i] -= yMin;
    }
    for (int i = 0; i < columns.length; i++) {
      columns[i] -= xMin;
    }
    return new Window(z0, depth, window, raw, rows, columns, boxWidth, boxHeight * boxWidth);
  }

  /**
   * Converts the stored pixel at {@code base} (slice and offset in a box of planar bands, each band
   * {@code depth × area} values) into {@link #channels} network values at {@code o}.
   */
  private int pixel(float[] raw, int depth, int area, int base, float[] out, int o) {
    if (bands == 1) {
      float v = raw[base] * scale;
      for (int c = 0; c < channels; c++) {
        out[o++] = v;
      }
      return o;
    }
    int plane = depth * area;
    if (channels == 1) {
      out[o++] = bands >= 3
          ? (0.299f * raw[base] + 0.587f * raw[base + plane] + 0.114f * raw[base + 2 * plane]) * scale
          : raw[base] * scale;
      return o;
    }
    for (int c = 0; c < 3; c++) {
      out[o++] = raw[base + (bands >= 3 ? c : 0) * plane] * scale;
    }
    return o;
  }

  private float[] readBox(long z0, int depth, int y0, int x0, int height, int width) {
    try {
      return readStored(z0, depth, y0, x0, height, width);
    } catch (UserError e) {
      throw e.getMessage().startsWith(role + ": ") ? e : new UserError(e.exitCode(), role + ": " + e.getMessage(), e);
    }
  }

  private float[] readStored(long z0, int depth, int y0, int x0, int height, int width) {
    long[] s = volume.shape();
    if (s.length == 2) {
      return volume.readFloats(new long[] {y0, x0}, new int[] {height, width});
    }
    if (s.length == 3) {
      return volume.readFloats(new long[] {z0, y0, x0}, new int[] {depth, height, width});
    }
    int read = bands >= 3 ? 3 : 1;
    return volume.readFloats(new long[] {0, z0, y0, x0}, new int[] {read, depth, height, width});
  }

  /**
   * NaN or infinity would only surface as a blank prediction, so it is refused naming the slice,
   * the first such pixel and how many the slice's voxels read here hold.
   */
  private void checkFinite(float[] raw, long z0, int depth, int y0, int x0, int height, int width) {
    int area = height * width;
    int planes = raw.length / area;
    for (int z = 0; z < depth; z++) {
      int first = -1;
      float value = 0;
      long count = 0;
      for (int p = z; p < planes; p += depth) {
        for (int i = 0; i < area; i++) {
          float v = raw[p * area + i];
          if (!Float.isFinite(v)) {
            count++;
            if (first < 0 || i < first) {
              first = i;
              value = v;
            }
          }
        }
      }
      if (first >= 0) {
        throw UserError.input(role + ": " + volume.describe() + " slice " + (z0 + z) + " has " + value + " at (x="
            + (x0 + first % width) + ", y=" + (y0 + first / width) + "), " + count + " such value(s); expected finite "
            + "intensities (float images are read as they are, ideally in [0, 1])");
      }
    }
  }
}
