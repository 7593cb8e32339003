package org.unettf.io.volume;

import io.jhdf.HdfFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.unettf.error.UserError;

/**
 * Opens and creates volumes by path, choosing the format from it:
 *
 * <ul>
 *   <li>{@code path/volume.zarr/raw}: a Zarr v2 array (any folder inside a {@code .zarr} folder,
 *       or the {@code .zarr} folder itself);
 *   <li>{@code path/volume.n5/raw}: an N5 dataset, likewise;
 *   <li>{@code file.h5:/raw} (also {@code .hdf5}, {@code .hdf}): an HDF5 dataset, read only;
 *   <li>{@code stack.tif} or {@code .tiff}: a multi-page TIFF.
 * </ul>
 *
 * Other existing paths are recognised by their content ({@code .zarray}, N5's {@code
 * attributes.json}, the TIFF and HDF5 signatures).
 */
public final class Volumes {
  private static final Pattern HDF5 = Pattern.compile("(?i)^(.*?\\.(?:h5|hdf5|hdf))(?::(.*))?$");
  private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

  private Volumes() {}

  enum Format { ZARR, N5, HDF5, TIFF }

  /** Where a volume lives: its folder or file, the {@code .zarr}/{@code .n5} container, the HDF5 dataset. */
  record Location(Format format, Path path, Path root, String dataset) {}

  /**
   * An input volume. Every chunk it covers must be there: a missing chunk is an error naming its
   * file and voxels, never silently zero.
   */
  public static Volume open(String path) {
    String spec = trimmed(path);
    Location at = locate(spec, false);
    return switch (at.format()) {
      case ZARR -> openZarr(spec, at);
      case N5 -> openN5(spec, at);
      case HDF5 -> Hdf5Volume.open(spec, at.path(), at.dataset());
      case TIFF -> TiffStack.open(spec, at.path());
    };
  }

  /** {@link #create(String, long[], int[], DType, Compression, Map, IfExists)} that resumes a matching output. */
  public static WritableVolume create(String path, long[] shape, int[] chunks, DType dtype, Compression compression,
      Map<String, Object> attributes) {
    return create(path, shape, chunks, dtype, compression, attributes, IfExists.RESUME);
  }

  /**
   * An output volume. A Zarr array or N5 dataset already there is opened to carry on if its shape,
   * chunks, type and compression match (chunks not yet written read as 0), refused naming what
   * differs, or replaced, as {@code ifExists} says. TIFF stacks ignore {@code chunks} (one page
   * per chunk) and {@code attributes}, and are always written afresh. HDF5 output is refused.
   */
  public static WritableVolume create(String path, long[] shape, int[] chunks, DType dtype, Compression compression,
      Map<String, Object> attributes, IfExists ifExists) {
    String spec = trimmed(path);
    Location at = locate(spec, true);
    Compression codec = compression == null ? Compression.standard() : compression;
    if (at.format() != Format.TIFF) {
      checkGrid(spec, shape, chunks);
    }
    return switch (at.format()) {
      case ZARR -> ZarrArray.create(spec, at.root(), at.path(), shape, chunks, dtype, codec, attributes, ifExists);
      case N5 -> N5Dataset.create(spec, at.root(), at.path(), shape, chunks, dtype, codec, attributes, ifExists);
      case TIFF -> TiffStackWriter.create(spec, at.path(), shape, dtype, codec, ifExists);
      // jhdf 0.13 writes only whole datasets held in memory, which neither chunk-wise nor concurrent writing allows.
      case HDF5 -> throw UserError.output("cannot write " + spec + ": HDF5 output is not supported (it would have "
          + "to be held in memory whole); write to a .zarr or .n5 path instead");
    };
  }

  /** The path as written, less trailing slashes, which would otherwise double in chunk names. */
  private static String trimmed(String path) {
    if (path == null || path.isBlank()) {
      throw UserError.config("a volume path is empty");
    }
    String out = path;
    while (out.length() > 1 && out.endsWith("/")) {
      out = out.substring(0, out.length() - 1);
    }
    return out;
  }

  private static void checkGrid(String spec, long[] shape, int[] chunks) {
    if (shape.length == 0 || shape.length != chunks.length) {
      throw new IllegalArgumentException(spec + ": shape " + Arrays.toString(shape) + " and chunks "
          + Arrays.toString(chunks) + " must have the same, non-zero rank");
    }
    for (int d = 0; d < shape.length; d++) {
      if (shape[d] < 1 || chunks[d] < 1) {
        throw new IllegalArgumentException(spec + ": shape " + Arrays.toString(shape) + " and chunks "
            + Arrays.toString(chunks) + " must be positive");
      }
    }
  }

  private static Volume openZarr(String spec, Location at) {
    Path dir = at.path();
    if (ZarrArray.isArray(dir)) {
      return ZarrArray.open(spec, dir, false);
    }
    if (ZarrArray.isGroup(dir)) {
      throw UserError.input(spec + " is a Zarr group, not an array; " + contents(spec, ZarrGroup.arrays(dir), "arrays"));
    }
    throw notFound(spec, at, "Zarr array");
  }

  private static Volume openN5(String spec, Location at) {
    Path dir = at.path();
    if (N5Dataset.isDataset(dir)) {
      return N5Dataset.open(spec, dir, false);
    }
    if (Files.isDirectory(dir) && (N5Dataset.isGroup(dir) || !N5Group.datasets(dir).isEmpty())) {
      throw UserError.input(spec + " is an N5 group, not a dataset; " + contents(spec, N5Group.datasets(dir), "datasets"));
    }
    throw notFound(spec, at, "N5 dataset");
  }

  private static String contents(String spec, List<String> names, String what) {
    if (names.isEmpty()) {
      return "it holds no " + what;
    }
    String base = spec.endsWith("/") ? spec : spec + "/";
    List<String> shown = names.stream().limit(12).map(n -> base + n).toList();
    return "name one of its " + what + ": " + String.join(", ", shown)
        + (names.size() > shown.size() ? " and " + (names.size() - shown.size()) + " more" : "");
  }

  /** Missing, or not what its name says; names what is there instead and what the container holds. */
  private static UserError notFound(String spec, Location at, String what) {
    Path dir = at.path();
    String found = Files.exists(dir) ? "found " + Layout.found(dir) : "not found";
    String hint = "";
    if (!Files.exists(dir) && at.root() != null && Files.isDirectory(at.root()) && !dir.equals(at.root())) {
      List<String> names = at.format() == Format.ZARR ? ZarrGroup.arrays(at.root()) : N5Group.datasets(at.root());
      hint = names.isEmpty() ? "; " + at.root() + " holds none"
          : "; " + at.root() + " holds " + String.join(", ", names.stream().limit(12).toList());
    }
    return UserError.input(spec + " is not a " + what + " (" + found + ")" + hint);
  }

  /** The format and place a path names; inputs that name none are recognised by content. */
  static Location locate(String spec, boolean output) {
    Matcher hdf5 = HDF5.matcher(spec);
    if (hdf5.matches() && !Files.isDirectory(path(spec, hdf5.group(1)))) {
      Path file = path(spec, hdf5.group(1));
      String dataset = hdf5.group(2);
      if (dataset == null || dataset.isBlank()) {
        if (output) {
          throw UserError.output("cannot write " + spec + ": HDF5 output is not supported; write to a .zarr or "
              + ".n5 path instead");
        }
        throw missingDataset(spec, file);
      }
      return new Location(Format.HDF5, file, null, dataset.startsWith("/") ? dataset : "/" + dataset);
    }
    Path path = path(spec, spec);
    String lower = spec.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".tif") || lower.endsWith(".tiff")) {
      return new Location(Format.TIFF, path, null, null);
    }
    Path absolute = path.toAbsolutePath().normalize();
    Path zarr = container(absolute, ".zarr");
    Path n5 = container(absolute, ".n5");
    if (zarr != null && (n5 == null || n5.startsWith(zarr))) {
      return new Location(Format.ZARR, absolute, zarr, null);
    }
    if (n5 != null) {
      return new Location(Format.N5, absolute, n5, null);
    }
    if (output) {
      throw UserError.config("cannot tell the format of output " + spec + ": name a .zarr or .n5 folder (or an "
          + "array inside one), or a .tif file");
    }
    return sniff(spec, path);
  }

  /** The outermost folder of {@code path} named {@code *.suffix}, or null. */
  private static Path container(Path absolute, String suffix) {
    Path at = absolute.getRoot();
    for (Path part : absolute) {
      at = at == null ? part : at.resolve(part);
      if (part.toString().toLowerCase(Locale.ROOT).endsWith(suffix)) {
        return at;
      }
    }
    return null;
  }

  private static Location sniff(String spec, Path path) {
    if (Files.isDirectory(path)) {
      if (ZarrArray.isArray(path) || ZarrArray.isGroup(path)) {
        return new Location(Format.ZARR, path, null, null);
      }
      if (Files.isRegularFile(path.resolve(N5Dataset.ATTRIBUTES))) {
        return new Location(Format.N5, path, null, null);
      }
    } else if (Files.isRegularFile(path)) {
      byte[] head = head(path);
      if (isTiff(head)) {
        return new Location(Format.TIFF, path, null, null);
      }
      if (Arrays.equals(head, HDF5_SIGNATURE)) {
        throw missingDataset(spec, path);
      }
    }
    throw UserError.input(spec + " is not a Zarr array, N5 dataset, HDF5 dataset (file.h5:/dataset) or TIFF "
        + "stack (" + (Files.exists(path) ? "found " + Layout.found(path) : "not found") + ")");
  }

  /** The TIFF signature: byte order, then 42 (classic) or 43 (BigTIFF) in that order. */
  static boolean isTiff(byte[] head) {
    if (head.length < 4) {
      return false;
    }
    boolean little = head[0] == 'I' && head[1] == 'I' && head[3] == 0 && (head[2] == 42 || head[2] == 43);
    boolean big = head[0] == 'M' && head[1] == 'M' && head[2] == 0 && (head[3] == 42 || head[3] == 43);
    return little || big;
  }

  static byte[] head(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(8);
    } catch (IOException e) {
      return new byte[0];
    }
  }

  private static UserError missingDataset(String spec, Path file) {
    String holds = "";
    if (Files.isRegularFile(file)) {
      try (HdfFile hdf = new HdfFile(file)) {
        holds = "; it holds " + Hdf5Volume.listing(hdf);
      } catch (RuntimeException e) {
        holds = "; it is not a readable HDF5 file";
      }
    }
    return UserError.input(spec + " names an HDF5 file but no dataset inside it; write it as " + file
        + ":/dataset" + holds);
  }

  private static Path path(String spec, String text) {
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      throw UserError.config(spec + " is not a valid path (" + e.getReason() + ")");
    }
  }
}
