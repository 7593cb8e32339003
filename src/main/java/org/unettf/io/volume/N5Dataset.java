package org.unettf.io.volume;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.unettf.error.UserError;

/**
 * An N5 dataset: a folder whose {@code attributes.json} holds {@code dimensions}, {@code
 * blockSize}, {@code dataType} and {@code compression} next to the user's attributes, and one file
 * per block at {@code x/y/z}. N5 lists axes fastest first, so this class reverses them to present C
 * order. Each block starts with a big-endian header (mode, rank, the block's size along each axis)
 * and holds big-endian elements; edge blocks are stored clipped.
 */
final class N5Dataset extends ChunkedVolume {
  static final String ATTRIBUTES = "attributes.json";
  /** The N5 format version written at a container's root; readers of 2.x through 4.x accept it. */
  static final String VERSION = "2.0.0";
  static final Set<String> RESERVED = Set.of("dimensions", "blockSize", "dataType", "compression",
      "compressionType", "n5");
  static final String COMPRESSIONS = "raw, gzip, zstd, blosc or lz4";

  private static final int DEFAULT_MODE = 0;
  private static final int VARLENGTH_MODE = 1;

  private final ChunkCodec codec;
  private final Map<String, Object> metadata;

  private N5Dataset(String describe, Path dir, ChunkGrid grid, DType dtype, boolean fillMissing,
      Map<String, Object> attributes, ChunkCodec codec, Map<String, Object> metadata) {
    super(describe, dir, grid, dtype, ByteOrder.BIG_ENDIAN, 0, fillMissing, attributes);
    this.codec = codec;
    this.metadata = Collections.unmodifiableMap(metadata);
  }

  static boolean isDataset(Path dir) {
    Map<String, Object> meta = readQuietly(dir);
    return meta != null && meta.containsKey("dimensions");
  }

  /** Whether {@code dir} has N5 attributes but no dimensions, as a group has. */
  static boolean isGroup(Path dir) {
    Map<String, Object> meta = readQuietly(dir);
    return meta != null && !meta.containsKey("dimensions");
  }

  private static Map<String, Object> readQuietly(Path dir) {
    if (!Files.isRegularFile(dir.resolve(ATTRIBUTES))) {
      return null;
    }
    try {
      return Json.readIfExists(dir.resolve(ATTRIBUTES), dir.toString());
    } catch (UserError e) {
      return null;
    }
  }

  static N5Dataset open(String describe, Path dir, boolean fillMissing) {
    Map<String, Object> meta = Json.readIfExists(dir.resolve(ATTRIBUTES), describe);
    if (meta == null || !meta.containsKey("dimensions")) {
      throw UserError.input(describe + ": " + dir.resolve(ATTRIBUTES) + (meta == null ? " is missing"
          : " has no dimensions") + "; it is not an N5 dataset");
    }
    long[] dimensions = Json.longs(meta.get("dimensions"));
    long[] blockSize = Json.longs(meta.get("blockSize"));
    if (dimensions == null || blockSize == null || dimensions.length != blockSize.length || dimensions.length == 0) {
      throw UserError.input(describe + ": " + ATTRIBUTES + " has dimensions " + Json.compact(meta.get("dimensions"))
          + " and blockSize " + Json.compact(meta.get("blockSize")) + "; expected two lists of the same length");
    }
    int rank = dimensions.length;
    long[] shape = new long[rank];
    int[] chunks = new int[rank];
    for (int d = 0; d < rank; d++) {
      long block = blockSize[rank - 1 - d];
      if (block < 1 || block > Integer.MAX_VALUE || dimensions[rank - 1 - d] < 0) {
        throw UserError.input(describe + ": " + ATTRIBUTES + " has dimensions " + Arrays.toString(dimensions)
            + " and blockSize " + Arrays.toString(blockSize) + "; expected positive sizes");
      }
      shape[d] = dimensions[rank - 1 - d];
      chunks[d] = (int) block;
    }
    Object dataType = meta.get("dataType");
    DType dtype = dataType instanceof String s ? DType.fromN5(s) : null;
    if (dtype == null) {
      throw UserError.input(describe + ": dataType " + Json.compact(dataType) + " is not supported; supported: "
          + DType.names());
    }
    Object compression = meta.containsKey("compression") ? meta.get("compression") : legacy(meta);
    ChunkCodec codec = codec(describe, compression, dtype);
    Map<String, Object> attributes = new LinkedHashMap<>(meta);
    attributes.keySet().removeAll(RESERVED);
    ChunkGrid grid = new ChunkGrid(shape, chunks);
    if ((long) grid.chunkVoxels() * dtype.size() > Integer.MAX_VALUE - 8) {
      throw UserError.input(describe + ": blocks " + Arrays.toString(blockSize) + " exceed 2 GiB each");
    }
    return new N5Dataset(describe, dir, grid, dtype, fillMissing, attributes, codec, meta);
  }

  /** Before N5 1.0 the codec was named by {@code compressionType} alone. */
  private static Object legacy(Map<String, Object> meta) {
    Object type = meta.get("compressionType");
    return type == null ? Map.of("type", "raw") : Map.of("type", type);
  }

  static ChunkCodec codec(String describe, Object config, DType dtype) {
    if (!(config instanceof Map<?, ?> map) || !(map.get("type") instanceof String type)) {
      throw UserError.input(describe + ": compression " + Json.compact(config) + " has no type; supported: "
          + COMPRESSIONS);
    }
    int level = map.get("level") instanceof Number n ? n.intValue() : -1;
    return switch (type) {
      case "raw" -> ChunkCodec.none();
      case "gzip" -> Boolean.TRUE.equals(map.get("useZlib")) ? ChunkCodec.zlib(level) : ChunkCodec.gzip(level);
      case "zstd" -> ChunkCodec.zstd(level < 0 ? 3 : level);
      case "blosc" -> ChunkCodec.blosc(null, 5, dtype.size());
      case "lz4" -> ChunkCodec.lz4Stream();
      default -> throw UserError.input(describe + ": compression '" + type + "' is not supported; supported: "
          + COMPRESSIONS);
    };
  }

  /** The {@code compression} entry for new blocks: gzip unless asked otherwise. */
  static Map<String, Object> compressionConfig(Compression compression, String describe) {
    Compression c = compression.or(Compression.Codec.GZIP);
    Map<String, Object> config = Json.ordered();
    switch (c.codec()) {
      case NONE -> config.put("type", "raw");
      case GZIP -> {
        config.put("type", "gzip");
        config.put("level", c.levelOr(-1));
        config.put("useZlib", false);
      }
      case ZSTD -> {
        config.put("type", "zstd");
        config.put("level", c.levelOr(3));
      }
      default -> throw UserError.config(describe + ": N5 output is written with gzip, zstd or no compression, not "
          + c + "; use a .zarr path for Blosc");
    }
    return config;
  }

  static N5Dataset create(String describe, Path root, Path dir, long[] shape, int[] chunks, DType dtype,
      Compression compression, Map<String, Object> attributes, IfExists ifExists) {
    Map<String, Object> config = compressionConfig(compression, describe);
    ChunkGrid grid = new ChunkGrid(shape, chunks);
    Map<String, Object> wanted = attributes == null ? Map.of() : attributes;
    for (String key : wanted.keySet()) {
      if (RESERVED.contains(key)) {
        throw new IllegalArgumentException("attribute '" + key + "' is reserved by N5");
      }
    }
    boolean isRoot = dir.equals(root);
    if (isDataset(dir)) {
      switch (ifExists) {
        case FAIL -> throw UserError.output(describe + " exists already; choose another path or overwrite it");
        case OVERWRITE -> Layout.delete(dir, describe);
        case RESUME -> {
          N5Dataset old = open(describe, dir, true);
          old.requireLayout(grid, dtype, "dataType", old.compressionDifference(config));
          if (!Json.same(old.attributes(), wanted)) {
            Json.write(dir.resolve(ATTRIBUTES), metadata(grid, dtype, config, wanted, isRoot));
            return open(describe, dir, true);
          }
          return old;
        }
        default -> throw new IllegalStateException(ifExists.name());
      }
    }
    if (isGroup(dir)) {
      // A group holding nothing but its attributes (a root just made) may become the dataset.
      if (Layout.entries(dir) > 1) {
        throw UserError.output(describe + " is an N5 group, not a dataset; name a dataset inside it, such as "
            + describe + "/prediction");
      }
    } else {
      Layout.requireVacant(dir, describe, "N5 dataset");
    }
    if (!isRoot) {
      N5Group.ensureRoot(root, describe);
    }
    Json.write(dir.resolve(ATTRIBUTES), metadata(grid, dtype, config, wanted, isRoot));
    return open(describe, dir, true);
  }

  private static Map<String, Object> metadata(ChunkGrid grid, DType dtype, Map<String, Object> config,
      Map<String, Object> attributes, boolean isRoot) {
    Map<String, Object> meta = Json.ordered();
    if (isRoot) {
      meta.put("n5", VERSION);
    }
    meta.put("dimensions", reversed(grid.shape()));
    meta.put("blockSize", reversed(Arrays.stream(grid.chunks()).asLongStream().toArray()));
    meta.put("dataType", dtype.n5Name());
    meta.put("compression", config);
    meta.putAll(attributes);
    return meta;
  }

  /** The stored compression, in words, where it is not {@code wanted}; null where it is. */
  private String compressionDifference(Map<String, Object> wanted) {
    Object stored = metadata.get("compression");
    return Json.same(stored, wanted) ? null : "compression " + Json.compact(stored) + ", not " + Json.compact(wanted);
  }

  private static long[] reversed(long[] values) {
    long[] out = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[values.length - 1 - i];
    }
    return out;
  }

  @Override
  String chunkKey(long[] index) {
    StringBuilder key = new StringBuilder();
    for (int d = index.length - 1; d >= 0; d--) {
      key.append(index[d]).append(d == 0 ? "" : "/");
    }
    return key.toString();
  }

  @Override
  Block decode(long[] index, byte[] stored) throws CorruptChunk {
    int rank = grid.rank();
    if (stored.length < 4) {
      throw new CorruptChunk("its " + stored.length + " bytes are shorter than a block header");
    }
    ByteBuffer in = ByteBuffer.wrap(stored).order(ByteOrder.BIG_ENDIAN);
    int mode = in.getShort(0) & 0xffff;
    int ndim = in.getShort(2) & 0xffff;
    if (mode != DEFAULT_MODE && mode != VARLENGTH_MODE) {
      throw new CorruptChunk("block mode " + mode + " is not 0 (default) or 1 (varlength)");
    }
    int header = 4 + 4 * ndim + (mode == VARLENGTH_MODE ? 4 : 0);
    if (ndim != rank) {
      throw new CorruptChunk("its header gives " + ndim + " dimensions, expected " + rank);
    }
    if (stored.length < header) {
      throw new CorruptChunk("its " + stored.length + " bytes are shorter than its " + header + "-byte header");
    }
    int[] extent = new int[rank];
    long voxels = 1;
    for (int d = 0; d < rank; d++) {
      long size = in.getInt(4 + 4 * (rank - 1 - d)) & 0xffffffffL;
      if (size > Integer.MAX_VALUE) {
        throw new CorruptChunk("its header gives a block size of " + size);
      }
      extent[d] = (int) size;
      voxels *= size;
    }
    if (mode == VARLENGTH_MODE && (in.getInt(4 + 4 * ndim) & 0xffffffffL) != voxels) {
      throw new CorruptChunk("its header gives " + (in.getInt(4 + 4 * ndim) & 0xffffffffL) + " elements for "
          + Arrays.toString(extent) + " voxels");
    }
    if (voxels * dtype.size() > Integer.MAX_VALUE - 8) {
      throw new CorruptChunk("its header gives a block of " + Arrays.toString(extent) + " voxels");
    }
    byte[] raw = codec.decode(stored, header, (int) voxels * dtype.size());
    return new Block(ByteBuffer.wrap(raw).order(ByteOrder.BIG_ENDIAN), extent);
  }

  @Override
  byte[] encode(long[] index, ByteBuffer clipped) {
    int[] extent = grid.extent(index);
    byte[] data = codec.encode(clipped.array());
    ByteBuffer out = ByteBuffer.allocate(4 + 4 * extent.length + data.length).order(ByteOrder.BIG_ENDIAN);
    out.putShort((short) DEFAULT_MODE).putShort((short) extent.length);
    for (int d = extent.length - 1; d >= 0; d--) {
      out.putInt(extent[d]);
    }
    out.put(data);
    return out.array();
  }
}
