package org.unettf.io.volume;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.unettf.error.UserError;

/**
 * A Zarr v2 array: a folder with {@code .zarray} (JSON metadata), optional {@code .zattrs} (user
 * attributes) and one file per chunk, named by its grid index ({@code 0.1.2}, or {@code 0/1/2} with
 * {@code "dimension_separator": "/"}). Every chunk file holds a full chunk, edge chunks padded with
 * the fill value, in C order.
 */
final class ZarrArray extends ChunkedVolume {
  static final String ARRAY = ".zarray";
  static final String GROUP = ".zgroup";
  static final String ATTRS = ".zattrs";
  static final String COMPRESSORS =
      "blosc (with " + Blosc.SUPPORTED + " inside), zlib, gzip, zstd or none (null)";

  private final String separator;
  private final ChunkCodec codec;
  private final Map<String, Object> metadata;

  private ZarrArray(String describe, Path dir, ChunkGrid grid, DType.Ordered type, double fillValue,
      boolean fillMissing, Map<String, Object> attributes, String separator, ChunkCodec codec,
      Map<String, Object> metadata) {
    super(describe, dir, grid, type.type(), type.order(), fillValue, fillMissing, attributes);
    this.separator = separator;
    this.codec = codec;
    this.metadata = Collections.unmodifiableMap(metadata);
  }

  static boolean isArray(Path dir) {
    return Files.isRegularFile(dir.resolve(ARRAY));
  }

  static boolean isGroup(Path dir) {
    return Files.isRegularFile(dir.resolve(GROUP));
  }

  static ZarrArray open(String describe, Path dir, boolean fillMissing) {
    Map<String, Object> meta = Json.readIfExists(dir.resolve(ARRAY), describe);
    if (meta == null) {
      throw UserError.input(describe + ": " + dir + " holds no " + ARRAY + "; it is not a Zarr array");
    }
    Object format = meta.get("zarr_format");
    if (!(format instanceof Number n) || n.intValue() != 2) {
      throw UserError.input(describe + ": " + ARRAY + " says zarr_format " + format + "; only Zarr v2 is supported");
    }
    long[] shape = Json.longs(meta.get("shape"));
    long[] chunks = Json.longs(meta.get("chunks"));
    if (shape == null || chunks == null || shape.length != chunks.length || shape.length == 0) {
      throw UserError.input(describe + ": " + ARRAY + " has shape " + Json.compact(meta.get("shape"))
          + " and chunks " + Json.compact(meta.get("chunks")) + "; expected two lists of the same length");
    }
    int[] chunkSize = new int[chunks.length];
    for (int d = 0; d < chunks.length; d++) {
      if (chunks[d] < 1 || chunks[d] > Integer.MAX_VALUE || shape[d] < 0) {
        throw UserError.input(describe + ": " + ARRAY + " has shape " + Arrays.toString(shape) + " and chunks "
            + Arrays.toString(chunks) + "; expected positive sizes");
      }
      chunkSize[d] = (int) chunks[d];
    }
    Object dtypeText = meta.get("dtype");
    DType.Ordered type = dtypeText instanceof String s ? DType.fromZarr(s) : null;
    if (type == null) {
      throw UserError.input(describe + ": dtype " + Json.compact(dtypeText) + " is not supported; supported: "
          + DType.names());
    }
    Object order = meta.get("order");
    if (!"C".equals(order)) {
      throw UserError.input(describe + ": chunks are stored in " + ("F".equals(order) ? "Fortran" : Json.compact(order))
          + " order (\"order\": " + Json.compact(order) + "); only C order is supported, so rewrite it with order='C'");
    }
    Object filters = meta.get("filters");
    if (filters != null && !(filters instanceof List<?> list && list.isEmpty())) {
      throw UserError.input(describe + ": filters " + Json.compact(filters) + " are not supported; "
          + "rewrite the array without filters");
    }
    Object separator = meta.getOrDefault("dimension_separator", ".");
    if (!".".equals(separator) && !"/".equals(separator)) {
      throw UserError.input(describe + ": dimension_separator " + Json.compact(separator) + " is not '.' or '/'");
    }
    ChunkCodec codec = codec(describe, meta.get("compressor"), type.type());
    Map<String, Object> attributes = Json.readIfExists(dir.resolve(ATTRS), describe);
    ChunkGrid grid = new ChunkGrid(shape, chunkSize);
    if ((long) grid.chunkVoxels() * type.type().size() > Integer.MAX_VALUE - 8) {
      throw UserError.input(describe + ": chunks " + Arrays.toString(chunkSize) + " exceed 2 GiB each");
    }
    return new ZarrArray(describe, dir, grid, type, fillValue(describe, meta.get("fill_value")), fillMissing,
        attributes == null ? Map.of() : attributes, (String) separator, codec, meta);
  }

  /** The fill value; a null one (no fill) reads as 0 where a missing chunk is allowed at all. */
  private static double fillValue(String describe, Object value) {
    if (value == null) {
      return 0;
    }
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    return switch (String.valueOf(value)) {
      case "NaN" -> Double.NaN;
      case "Infinity" -> Double.POSITIVE_INFINITY;
      case "-Infinity" -> Double.NEGATIVE_INFINITY;
      default -> throw UserError.input(describe + ": fill_value " + Json.compact(value) + " is not a number");
    };
  }

  /** The codec a {@code compressor} entry names; blosc frames say themselves which codec is inside. */
  static ChunkCodec codec(String describe, Object config, DType type) {
    if (config == null) {
      return ChunkCodec.none();
    }
    if (!(config instanceof Map<?, ?> map) || !(map.get("id") instanceof String id)) {
      throw UserError.input(describe + ": compressor " + Json.compact(config) + " has no id; supported: " + COMPRESSORS);
    }
    int level = map.get("level") instanceof Number n ? n.intValue() : -1;
    switch (id) {
      case "blosc" -> {
        String cname = String.valueOf(map.get("cname"));
        Blosc.Inner inner = switch (cname) {
          case "lz4", "lz4hc" -> Blosc.Inner.LZ4;
          case "zstd" -> Blosc.Inner.ZSTD;
          case "zlib" -> null;
          default -> throw UserError.input(describe + ": compressor blosc with cname '" + cname
              + "' is not supported; supported: " + COMPRESSORS);
        };
        int clevel = map.get("clevel") instanceof Number n ? n.intValue() : 5;
        return ChunkCodec.blosc(inner, clevel, type.size());
      }
      case "zlib" -> {
        return ChunkCodec.zlib(level);
      }
      case "gzip" -> {
        return ChunkCodec.gzip(level);
      }
      case "zstd" -> {
        return ChunkCodec.zstd(level < 0 ? 3 : level);
      }
      default -> throw UserError.input(describe + ": compressor '" + id + "' is not supported; supported: "
          + COMPRESSORS);
    }
  }

  /** The {@code compressor} entry for new chunks; null means none. */
  static Map<String, Object> compressorConfig(Compression compression) {
    Compression c = compression.or(Compression.Codec.ZSTD);
    Map<String, Object> config = Json.ordered();
    switch (c.codec()) {
      case NONE -> {
        return null;
      }
      case ZSTD -> {
        config.put("id", "zstd");
        config.put("level", c.levelOr(3));
      }
      case GZIP -> {
        config.put("id", "gzip");
        config.put("level", c.levelOr(6));
      }
      case BLOSC_LZ4, BLOSC_ZSTD -> {
        config.put("id", "blosc");
        config.put("cname", c.codec() == Compression.Codec.BLOSC_LZ4 ? "lz4" : "zstd");
        config.put("clevel", c.levelOr(5));
        config.put("shuffle", 1);
        config.put("blocksize", 0);
      }
      default -> throw new IllegalStateException(c.codec().name());
    }
    return config;
  }

  static ZarrArray create(String describe, Path root, Path dir, long[] shape, int[] chunks, DType dtype,
      Compression compression, Map<String, Object> attributes, IfExists ifExists) {
    Map<String, Object> compressor = compressorConfig(compression);
    if (compressor != null && "blosc".equals(compressor.get("id")) && dtype.size() > 255) {
      throw new IllegalArgumentException("blosc type size " + dtype.size());
    }
    ChunkGrid grid = new ChunkGrid(shape, chunks);
    if (isArray(dir)) {
      switch (ifExists) {
        case FAIL -> throw UserError.output(describe + " exists already; choose another path or overwrite it");
        case OVERWRITE -> Layout.delete(dir, describe);
        case RESUME -> {
          ZarrArray old = open(describe, dir, true);
          old.requireLayout(grid, dtype, "dtype", old.compressorDifference(compressor));
          Map<String, Object> wanted = attributes == null ? Map.of() : attributes;
          if (!Json.same(old.attributes(), wanted)) {
            writeAttributes(dir, wanted);
            return open(describe, dir, true);
          }
          return old;
        }
        default -> throw new IllegalStateException(ifExists.name());
      }
    }
    if (isGroup(dir)) {
      throw UserError.output(describe + " is a Zarr group, not an array; name an array inside it, such as "
          + describe + "/prediction");
    }
    Layout.requireVacant(dir, describe, "Zarr array");
    ZarrGroup.ensureGroups(root, dir.getParent(), describe);
    if (attributes != null && !attributes.isEmpty()) {
      writeAttributes(dir, attributes);
    }
    Map<String, Object> meta = Json.ordered();
    meta.put("zarr_format", 2);
    meta.put("shape", shape);
    meta.put("chunks", chunks);
    meta.put("dtype", dtype.zarrName());
    meta.put("compressor", compressor);
    meta.put("fill_value", dtype.isFloat() ? (Object) 0.0 : (Object) 0);
    meta.put("order", "C");
    meta.put("filters", null);
    meta.put("dimension_separator", ".");
    // .zarray last: a reader that finds it finds the attributes complete too.
    Json.write(dir.resolve(ARRAY), meta);
    return open(describe, dir, true);
  }

  static void writeAttributes(Path dir, Map<String, Object> attributes) {
    Json.write(dir.resolve(ATTRS), attributes == null ? Map.of() : attributes);
  }

  /** The stored compressor, in words, where it is not {@code wanted} (null meaning none); null where it is. */
  private String compressorDifference(Map<String, Object> wanted) {
    Object stored = metadata.get("compressor");
    return Json.same(stored, wanted) ? null
        : "compressor " + (stored == null ? "none" : Json.compact(stored)) + ", not "
            + (wanted == null ? "none" : Json.compact(wanted));
  }

  @Override
  String chunkKey(long[] index) {
    StringBuilder key = new StringBuilder();
    for (int d = 0; d < index.length; d++) {
      key.append(d == 0 ? "" : separator).append(index[d]);
    }
    return key.toString();
  }

  @Override
  Block decode(long[] index, byte[] stored) throws CorruptChunk {
    int expected = grid.chunkVoxels() * dtype.size();
    byte[] raw = codec.decode(stored, 0, expected);
    return new Block(ByteBuffer.wrap(raw).order(order), grid.chunks());
  }

  @Override
  byte[] encode(long[] index, ByteBuffer clipped) {
    int[] extent = grid.extent(index);
    int[] full = grid.chunks();
    if (Arrays.equals(extent, full)) {
      return codec.encode(clipped.array());
    }
    // Zarr v2 stores edge chunks at full size; the part outside the array holds the fill value.
    ByteBuffer padded = ByteBuffer.allocate(grid.chunkVoxels() * dtype.size()).order(order);
    if (fillValue != 0) {
      Samples.fill(dtype, fillValue, padded, 0, grid.chunkVoxels());
    }
    long[] origin = grid.origin(index);
    long[] end = new long[origin.length];
    for (int d = 0; d < end.length; d++) {
      end[d] = origin[d] + extent[d];
    }
    int size = dtype.size();
    byte[] from = clipped.array();
    byte[] to = padded.array();
    Rows.forEach(origin, extent, origin, full, origin, end,
        (f, t, n) -> System.arraycopy(from, f * size, to, t * size, n * size));
    return codec.encode(to);
  }
}
