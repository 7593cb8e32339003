package org.unettf.io.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.unettf.io.volume.Fixtures.CHUNKS;
import static org.unettf.io.volume.Fixtures.SHAPE;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unettf.error.ExitCode;

/** Each kind of bad input gives one line naming the file, what was expected and what was found. */
class VolumeErrorsTest {
  @TempDir
  Path dir;

  /** A complete input volume of random-ish bytes. */
  private String written(String name, DType type, Compression codec) {
    String spec = dir.resolve(name).toString();
    try (WritableVolume out = Volumes.create(spec, SHAPE, CHUNKS, type, codec, null)) {
      Fixtures.writeAll(out, Fixtures.values(type, Fixtures.voxels(SHAPE), 9));
    }
    return spec;
  }

  private static final long[] ORIGIN = {0, 0, 0};
  private static final int[] ALL = {5, 37, 41};

  @Test
  void unknownCompressorsAreNamedWithWhatIsSupported() throws IOException {
    String spec = written("a.zarr/raw", DType.UINT8, Compression.zstd());
    Path meta = dir.resolve("a.zarr/raw/.zarray");
    Files.writeString(meta, Files.readString(meta).replace("\"id\": \"zstd\"", "\"id\": \"lzma\""));
    Fixtures.assertUserError(ExitCode.INPUT, () -> Volumes.open(spec), spec, "'lzma'", "blosc", "zlib", "gzip", "zstd");
    Files.writeString(meta, Files.readString(meta).replace("\"id\": \"lzma\"", "\"id\": \"blosc\", \"cname\": \"blosclz\""));
    Fixtures.assertUserError(ExitCode.INPUT, () -> Volumes.open(spec), spec, "blosclz", "lz4, lz4hc, zstd or zlib");

    String n5 = written("a.n5/raw", DType.UINT8, Compression.gzip());
    Path attributes = dir.resolve("a.n5/raw/attributes.json");
    Files.writeString(attributes, Files.readString(attributes).replace("\"type\": \"gzip\"", "\"type\": \"bzip2\""));
    Fixtures.assertUserError(ExitCode.INPUT, () -> Volumes.open(n5), n5, "'bzip2'", "raw, gzip, zstd");
  }

  @Test
  void aBloscFrameWithAnUnsupportedCodecInsideNamesTheChunk() throws IOException {
    String spec = written("b.zarr/raw", DType.UINT16, Compression.bloscLz4());
    Path chunk = dir.resolve("b.zarr/raw/0.1.2");
    byte[] frame = Files.readAllBytes(chunk);
    frame[2] = (byte) (frame[2] & 0x1f);
    Files.write(chunk, frame);
    try (Volume volume = Volumes.open(spec)) {
      Fixtures.assertUserError(ExitCode.INPUT, () -> volume.readFloats(ORIGIN, ALL), spec + "/0.1.2",
          "[0:2, 16:32, 32:41]", "blosclz", "not supported");
    }
  }

  @Test
  void aMissingChunkNamesItsFileAndVoxels() throws IOException {
    String zarr = written("c.zarr/raw", DType.FLOAT32, Compression.standard());
    Files.delete(dir.resolve("c.zarr/raw/1.2.0"));
    String n5 = written("c.n5/raw", DType.FLOAT32, Compression.standard());
    Files.delete(dir.resolve("c.n5/raw/0/2/1"));
    // A trailing slash, as shells complete folder names, is not doubled in the chunk's name.
    try (Volume volume = Volumes.open(zarr + "/")) {
      assertEquals(zarr, volume.describe());
      volume.readFloats(ORIGIN, new int[] {2, 37, 41});
      Fixtures.assertUserError(ExitCode.INPUT, () -> volume.readFloats(ORIGIN, ALL), zarr + "/1.2.0 is missing",
          "voxels [2:4, 32:37, 0:16]");
    }
    try (Volume volume = Volumes.open(n5)) {
      Fixtures.assertUserError(ExitCode.INPUT, () -> volume.readFloats(new long[] {3, 30, 5}, new int[] {1, 3, 3}),
          n5 + "/0/2/1 is missing", "voxels [2:4, 32:37, 0:16]");
    }
  }

  @Test
  void truncatedOrUndecodableChunksSayWhatWasExpected() throws IOException {
    String zstd = written("d.zarr/zstd", DType.FLOAT32, Compression.zstd());
    String blosc = written("d.zarr/blosc", DType.FLOAT32, Compression.bloscZstd());
    String raw = written("d.zarr/raw", DType.FLOAT32, Compression.none());
    String gzip = written("d.zarr/gzip", DType.FLOAT32, Compression.gzip());
    String n5 = written("d.n5/raw", DType.FLOAT32, Compression.none());
    for (String name : new String[] {"zstd", "blosc", "raw", "gzip"}) {
      Path chunk = dir.resolve("d.zarr/" + name + "/0.0.1");
      byte[] bytes = Files.readAllBytes(chunk);
      Files.write(chunk, Arrays.copyOf(bytes, bytes.length / 2));
    }
    Path block = dir.resolve("d.n5/raw/1/0/0");
    Files.write(block, Arrays.copyOf(Files.readAllBytes(block), 100));
    String[][] cases = {
        {zstd, "zstd"}, {blosc, "Blosc header says"}, {raw, "holds 1024 bytes, expected 2048"}, {gzip, "gzip"},
        {n5, "expected 2048"}};
    for (String[] c : cases) {
      try (Volume volume = Volumes.open(c[0])) {
        String chunkName = c[0].endsWith(".n5/raw") ? c[0] + "/1/0/0" : c[0] + "/0.0.1";
        Fixtures.assertUserError(ExitCode.INPUT, () -> volume.readFloats(ORIGIN, ALL), chunkName,
            "voxels [0:2, 0:16, 16:32]", "truncated or corrupt", c[1]);
      }
    }
  }

  @Test
  void readsThatDoNotFitTheVolumeSayWhy() {
    String floats = written("e.zarr/raw", DType.FLOAT32, Compression.standard());
    try (Volume volume = Volumes.open(floats)) {
      Fixtures.assertUserError(ExitCode.INPUT, () -> volume.readLongs(ORIGIN, ALL), floats, "float32",
          "integer labels");
      Fixtures.assertUserError(ExitCode.INPUT, () -> volume.readFloats(new long[4], new int[] {1, 5, 37, 41}),
          floats, "3-dimensional", "[5, 37, 41]", "4-dimensional box");
      Fixtures.assertUserError(ExitCode.INPUT, () -> volume.readFloats(new long[] {0, 30, 0}, new int[] {5, 10, 41}),
          "[0:5, 30:40, 0:41]", "outside", floats);
    }
  }

  @Test
  void unsupportedLayoutsAndTypesAreRefusedAtOpen() throws IOException {
    String spec = written("f.zarr/raw", DType.UINT8, Compression.none());
    Path meta = dir.resolve("f.zarr/raw/.zarray");
    String original = Files.readString(meta);
    Files.writeString(meta, original.replace("\"order\": \"C\"", "\"order\": \"F\""));
    Fixtures.assertUserError(ExitCode.INPUT, () -> Volumes.open(spec), spec, "Fortran", "C order");
    Files.writeString(meta, original.replace("\"|u1\"", "\"<f2\""));
    Fixtures.assertUserError(ExitCode.INPUT, () -> Volumes.open(spec), spec, "<f2", "uint8", "float64");
    Files.writeString(meta, original.replace("\"filters\": null", "\"filters\": [{\"id\": \"delta\"}]"));
    Fixtures.assertUserError(ExitCode.INPUT, () -> Volumes.open(spec), spec, "filters", "delta");
    Files.writeString(meta, original.replace("\"zarr_format\": 2", "\"zarr_format\": 3"));
    Fixtures.assertUserError(ExitCode.INPUT, () -> Volumes.open(spec), spec, "zarr_format 3", "Zarr v2");
    Files.writeString(meta, "{\"zarr_format\": 2, \"shape\": [5, 37");
    Fixtures.assertUserError(ExitCode.INPUT, () -> Volumes.open(spec), spec, ".zarray", "not a JSON object");
  }

  @Test
  void pathsThatAreNoVolumeSayWhatIsThere() throws IOException {
    Path text = Files.writeString(dir.resolve("notes.txt"), "hello world");
    Fixtures.assertUserError(ExitCode.INPUT, () -> Volumes.open(text.toString()), text.toString(),
        "not a Zarr array, N5 dataset, HDF5 dataset (file.h5:/dataset) or TIFF stack", "file of 11 bytes",
        "'hello wo'");
    Fixtures.assertUserError(ExitCode.INPUT, () -> Volumes.open(dir.resolve("nothing").toString()), "not found");
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Fixtures.assertUserError(ExitCode.INPUT, () -> Volumes.open(empty.toString()), "an empty folder");
    Files.writeString(dir.resolve("stack.tif"), "not a tiff");
    Fixtures.assertUserError(ExitCode.INPUT, () -> Volumes.open(dir.resolve("stack.tif").toString()), "stack.tif",
        "not a TIFF file", "'not a ti'");

    written("g.zarr/raw", DType.UINT8, Compression.none());
    written("g.zarr/more/labels", DType.UINT8, Compression.none());
    String group = dir.resolve("g.zarr").toString();
    Fixtures.assertUserError(ExitCode.INPUT, () -> Volumes.open(group), "Zarr group, not an array",
        group + "/raw", group + "/more/labels");
    Fixtures.assertUserError(ExitCode.INPUT, () -> Volumes.open(group + "/rwa"), "not found", "raw",
        "more/labels");
    written("g.n5/raw", DType.UINT8, Compression.none());
    String n5 = dir.resolve("g.n5").toString();
    Fixtures.assertUserError(ExitCode.INPUT, () -> Volumes.open(n5), "N5 group, not a dataset", n5 + "/raw");

    Fixtures.assertUserError(ExitCode.CONFIG, () -> Volumes.create(dir.resolve("out.raw").toString(), SHAPE, CHUNKS,
        DType.UINT8, Compression.standard(), Map.of()), "out.raw", ".zarr", ".n5", ".tif");
    Fixtures.assertUserError(ExitCode.OUTPUT, () -> Volumes.create(group, SHAPE, CHUNKS, DType.UINT8,
        Compression.standard(), null), "Zarr group, not an array");
    Fixtures.assertUserError(ExitCode.OUTPUT, () -> Volumes.create(group + "/raw/inner", SHAPE, CHUNKS, DType.UINT8,
        Compression.standard(), null), "is a Zarr array and cannot hold another");
    Files.createDirectories(dir.resolve("h.zarr/stuff"));
    Files.writeString(dir.resolve("h.zarr/stuff/readme"), "x");
    Fixtures.assertUserError(ExitCode.OUTPUT, () -> Volumes.create(dir.resolve("h.zarr/stuff").toString(), SHAPE,
        CHUNKS, DType.UINT8, Compression.standard(), null), "not a Zarr array", "1 entry");
    Fixtures.assertUserError(ExitCode.CONFIG, () -> Volumes.create(dir.resolve("i.n5/raw").toString(), SHAPE,
        CHUNKS, DType.UINT8, Compression.bloscLz4(), null), "N5 output", "blosc");
  }

  @Test
  void integerReadsOfFloatTiffAndTooLargeUint64AreRefused() throws IOException {
    String spec = dir.resolve("j.zarr/raw").toString();
    try (WritableVolume out = Volumes.create(spec, new long[] {1, 1, 2}, new int[] {1, 1, 2}, DType.UINT64,
        Compression.none(), null)) {
      out.writeChunk(new long[3], new long[] {5, -1});
    }
    try (Volume volume = Volumes.open(spec)) {
      Fixtures.assertUserError(ExitCode.INPUT, () -> volume.readLongs(new long[3], new int[] {1, 1, 2}),
          "uint64 value above 2^63 - 1", "[0, 0, 1]");
      assertEquals(1.8446744e19f, volume.readFloats(new long[3], new int[] {1, 1, 2})[1], 1e13f);
    }
  }
}
