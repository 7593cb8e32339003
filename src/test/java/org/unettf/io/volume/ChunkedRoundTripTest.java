package org.unettf.io.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.unettf.io.volume.Fixtures.CHUNKS;
import static org.unettf.io.volume.Fixtures.SHAPE;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.unettf.error.ExitCode;

/** Zarr and N5 written and read back by Java: every type and codec, edge chunks, concurrency, resuming. */
class ChunkedRoundTripTest {
  @TempDir
  Path dir;

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    List<Compression> zarr = List.of(Compression.standard(), Compression.none(), Compression.gzip(),
        Compression.bloscLz4(), Compression.bloscZstd().withLevel(1));
    List<Compression> n5 = List.of(Compression.standard(), Compression.none(), Compression.zstd());
    for (DType type : DType.values()) {
      for (Compression c : zarr) {
        out.add(Arguments.of("volume.zarr/raw", type, c));
      }
      for (Compression c : n5) {
        out.add(Arguments.of("volume.n5/raw", type, c));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("cases")
  void roundTripsEveryTypeAndCodec(String name, DType type, Compression compression) {
    String spec = dir.resolve(name).toString();
    Object whole = Fixtures.values(type, Fixtures.voxels(SHAPE), type.ordinal());
    try (WritableVolume out = Volumes.create(spec, SHAPE, CHUNKS, type, compression, Map.of("note", "test"))) {
      assertArrayEquals(SHAPE, out.shape());
      assertArrayEquals(CHUNKS, out.chunks());
      assertEquals(type, out.dtype());
      Fixtures.writeAll(out, whole);
      Fixtures.assertHolds(out, whole);
    }
    try (Volume in = Volumes.open(spec)) {
      assertEquals(type, in.dtype());
      assertArrayEquals(SHAPE, in.shape());
      assertEquals("test", in.attributes().get("note"));
      Fixtures.assertHolds(in, whole);
    }
  }

  @Test
  void edgeChunksAreClippedOnN5AndPaddedOnZarr() throws Exception {
    long[] last = {2, 2, 2};
    try (WritableVolume zarr = Volumes.create(dir.resolve("a.zarr/raw").toString(), SHAPE, CHUNKS, DType.UINT8,
            Compression.none(), null);
        WritableVolume n5 = Volumes.create(dir.resolve("a.n5/raw").toString(), SHAPE, CHUNKS, DType.UINT8,
            Compression.none(), null)) {
      assertArrayEquals(new int[] {1, 5, 9}, zarr.grid().extent(last));
      byte[] values = new byte[45];
      zarr.writeChunk(last, values);
      n5.writeChunk(last, values);
    }
    assertEquals(2 * 16 * 16, Files.size(dir.resolve("a.zarr/raw/2.2.2")));
    // N5: a 16-byte header (mode, rank, three sizes, x first) and the clipped 1 × 5 × 9 block.
    byte[] block = Files.readAllBytes(dir.resolve("a.n5/raw/2/2/2"));
    assertEquals(4 + 12 + 45, block.length);
    assertEquals(9, block[7]);
    assertEquals(5, block[11]);
    assertEquals(1, block[15]);
  }

  @Test
  void readsBoxesAcrossChunkBordersTouchingOnlyTheirChunks() throws Exception {
    String spec = dir.resolve("b.zarr/raw").toString();
    float[] whole = Fixtures.floats(Fixtures.voxels(SHAPE), 7);
    try (WritableVolume out = Volumes.create(spec, SHAPE, CHUNKS, DType.FLOAT32, Compression.zstd(), null)) {
      Fixtures.writeAll(out, whole);
    }
    // With every chunk but the box's eight gone, the box still reads: nothing else is touched.
    long[] offset = {1, 14, 15};
    int[] size = {2, 4, 3};
    List<String> keep = List.of("0.0.0", "0.0.1", "0.1.0", "0.1.1", "1.0.0", "1.0.1", "1.1.0", "1.1.1");
    try (Stream<Path> files = Files.list(dir.resolve("b.zarr/raw"))) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (!name.startsWith(".") && !keep.contains(name)) {
          Files.delete(file);
        }
      }
    }
    try (Volume in = Volumes.open(spec)) {
      assertArrayEquals(Fixtures.cut(whole, SHAPE, offset, size), in.readFloats(offset, size));
      Fixtures.assertUserError(ExitCode.INPUT, () -> in.readFloats(new long[] {0, 0, 32}, new int[] {1, 1, 1}),
          "0.0.2");
    }
  }

  @Test
  void threadsWriteDifferentChunksAtOnce() throws Exception {
    for (String name : List.of("c.zarr/raw", "c.n5/raw")) {
      String spec = dir.resolve(name).toString();
      long[] shape = {9, 70, 65};
      int[] chunks = {2, 16, 16};
      long[] whole = Fixtures.integers(DType.UINT32, Fixtures.voxels(shape), 3);
      try (WritableVolume out = Volumes.create(spec, shape, chunks, DType.UINT32, Compression.standard(), null)) {
        List<long[]> indices = new ArrayList<>();
        out.grid().forEach(indices::add);
        Collections.shuffle(indices, new Random(1));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
          List<Future<?>> done = new ArrayList<>();
          for (long[] index : indices) {
            done.add(pool.submit(() -> Fixtures.writeChunk(out, index, whole)));
          }
          for (Future<?> f : done) {
            f.get();
          }
        } finally {
          pool.shutdown();
        }
        for (long[] index : indices) {
          assertTrue(out.chunkComplete(index));
        }
      }
      try (Volume in = Volumes.open(spec)) {
        List<Future<long[]>> reads = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
          for (int z = 0; z < 9; z++) {
            long[] offset = {z, 3, 5};
            reads.add(pool.submit(() -> in.readLongs(offset, new int[] {1, 60, 50})));
          }
          for (int z = 0; z < 9; z++) {
            assertArrayEquals(Fixtures.cut(whole, shape, new long[] {z, 3, 5}, new int[] {1, 60, 50}),
                reads.get(z).get(), name + " slice " + z);
          }
        } finally {
          pool.shutdown();
        }
      }
    }
  }

  @Test
  void resumesAMatchingOutputAndRefusesAnotherUnlessOverwriting() {
    for (String name : List.of("d.zarr/raw", "d.n5/raw")) {
      String spec = dir.resolve(name).toString();
      long[] first = {0, 0, 0};
      long[] second = {0, 0, 1};
      try (WritableVolume out = Volumes.create(spec, SHAPE, CHUNKS, DType.UINT8, Compression.standard(), null)) {
        out.writeChunk(first, new byte[2 * 16 * 16]);
        assertFalse(out.chunkComplete(second));
        // Unwritten chunks of an output read as zero, so a resumed run can look at them.
        assertEquals(0f, out.readFloats(new long[] {0, 0, 20}, new int[] {1, 1, 1})[0]);
      }
      try (WritableVolume again = Volumes.create(spec, SHAPE, CHUNKS, DType.UINT8, Compression.standard(),
          Map.of("run", 2))) {
        assertTrue(again.chunkComplete(first));
        assertFalse(again.chunkComplete(second));
        assertEquals(2L, again.attributes().get("run"));
      }
      Fixtures.assertUserError(ExitCode.OUTPUT,
          () -> Volumes.create(spec, SHAPE, new int[] {1, 16, 16}, DType.FLOAT32, Compression.standard(), null),
          spec, "chunks [2, 16, 16], not [1, 16, 16]", "uint8, not float32");
      Fixtures.assertUserError(ExitCode.OUTPUT,
          () -> Volumes.create(spec, SHAPE, CHUNKS, DType.UINT8, Compression.none(), null), "compress", "not ", spec);
      Fixtures.assertUserError(ExitCode.OUTPUT,
          () -> Volumes.create(spec, SHAPE, CHUNKS, DType.UINT8, Compression.standard(), null, IfExists.FAIL),
          "exists already");
      try (WritableVolume fresh = Volumes.create(spec, SHAPE, new int[] {1, 16, 16}, DType.FLOAT32,
          Compression.standard(), null, IfExists.OVERWRITE)) {
        assertEquals(DType.FLOAT32, fresh.dtype());
        assertFalse(fresh.chunkComplete(first));
      }
    }
  }

  @Test
  void writersCheckTheTypeAndSizeTheyAreGiven() {
    try (WritableVolume out = Volumes.create(dir.resolve("e.zarr/raw").toString(), SHAPE, CHUNKS, DType.UINT8,
        Compression.standard(), null)) {
      Fixtures.assertUserError(ExitCode.OUTPUT, () -> out.writeChunk(new long[] {0, 0, 0}, new float[512]),
          "floating-point values", "uint8");
      assertThrows(IllegalArgumentException.class, () -> out.writeChunk(new long[] {0, 0, 0}, new byte[10]));
      assertThrows(IllegalArgumentException.class, () -> out.writeChunk(new long[] {3, 0, 0}, new byte[512]));
    }
  }
}
