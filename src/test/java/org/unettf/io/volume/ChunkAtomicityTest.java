package org.unettf.io.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.unettf.io.volume.Fixtures.CHUNKS;
import static org.unettf.io.volume.Fixtures.SHAPE;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.unettf.error.ExitCode;

/** A chunk exists only once written whole: a write that fails half way leaves no file under its name. */
class ChunkAtomicityTest {
  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"a.zarr/raw", "a.n5/raw"})
  void aFailedChunkWriteLeavesNothingUnderItsName(String name) throws IOException {
    String spec = dir.resolve(name).toString();
    long[] fresh = {1, 1, 1};
    long[] done = {0, 0, 0};
    byte[] ones = new byte[2 * 16 * 16];
    Arrays.fill(ones, (byte) 1);
    try (WritableVolume out = Volumes.create(spec, SHAPE, CHUNKS, DType.UINT8, Compression.none(), null)) {
      ChunkedVolume chunked = (ChunkedVolume) out;
      out.writeChunk(done, ones);
      for (long[] index : List.of(fresh, done)) {
        Fixtures.assertUserError(ExitCode.OUTPUT, () -> chunked.writeFile(index, stream -> {
          stream.write(new byte[100]);
          throw new IOException("No space left on device");
        }), "cannot write", chunked.chunkKey(index), "disk full");
      }
      assertFalse(Files.exists(chunked.chunkFile(fresh)), "no file under the failed chunk's name");
      assertFalse(out.chunkComplete(fresh));
      assertTrue(out.chunkComplete(done));
      assertEquals(List.of(), partials(), "no temporary files left behind");
      // The failed rewrite left the earlier, complete chunk as it was.
      assertArrayEquals(new long[] {1, 1}, out.readLongs(new long[] {1, 15, 14}, new int[] {1, 1, 2}));
    }
    try (Volume in = Volumes.open(spec)) {
      Fixtures.assertUserError(ExitCode.INPUT, () -> in.readFloats(new long[] {2, 16, 16}, new int[] {1, 1, 1}),
          "is missing");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"b.zarr", "b.n5"})
  void attributesAreReplacedWhole(String name) throws IOException {
    Path path = dir.resolve(name);
    Map<String, Object> first = Map.of("step", 1L, "notes", List.of("a", "b"));
    Map<String, Object> second = Map.of("step", 2L);
    if (name.endsWith(".zarr")) {
      ZarrGroup group = ZarrGroup.create(path, first);
      assertEquals(first, group.attributes());
      group.writeAttributes(second);
      assertEquals(second, group.attributes());
    } else {
      N5Group group = N5Group.create(path, first);
      assertEquals(first, group.attributes());
      group.writeAttributes(second);
      assertEquals(second, group.attributes());
    }
    assertEquals(List.of(), partials());
  }

  private List<Path> partials() throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> p.getFileName().toString().endsWith(".partial")).toList();
    }
  }
}
