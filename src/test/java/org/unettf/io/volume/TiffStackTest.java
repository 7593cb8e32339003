package org.unettf.io.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.unettf.io.volume.Fixtures.SHAPE;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unettf.error.ExitCode;

/** Multi-page TIFF read page by page and written page by page, checked against tifffile. */
class TiffStackTest {
  @TempDir
  Path dir;

  @Test
  void writesPagesInAnyOrderAndCommitsWhole() throws IOException {
    List<String> names = new ArrayList<>();
    for (DType type : List.of(DType.UINT8, DType.UINT16, DType.UINT32, DType.FLOAT32)) {
      String name = "java-" + type + ".tif";
      Object whole = Fixtures.values(type, Fixtures.voxels(SHAPE), type.ordinal());
      try (WritableVolume out = Volumes.create(dir.resolve(name).toString(), SHAPE, new int[] {2, 16, 16}, type,
          Compression.standard(), null)) {
        assertArrayEquals(new int[] {1, 37, 41}, out.chunks(), "one page per chunk whatever was asked");
        for (int z : new int[] {3, 0, 4, 1, 2}) {
          Fixtures.writeChunk(out, new long[] {z, 0, 0}, whole);
          assertTrue(out.chunkComplete(new long[] {z, 0, 0}));
          assertFalse(Files.exists(dir.resolve(name)), "nothing under the name before commit");
        }
        out.commit();
        Fixtures.assertHolds(out, whole);
      }
      try (Volume in = Volumes.open(dir.resolve(name).toString())) {
        assertEquals(type, in.dtype());
        assertArrayEquals(SHAPE, in.shape());
        Fixtures.assertHolds(in, whole);
      }
      Fixtures.writeRaw(dir.resolve(name + ".expected"), whole);
      names.add(name);
    }
    assertEquals(List.of(), partials());
    Python.assume("tifffile", "numpy");
    String script = """
        import sys, numpy as np, tifffile
        for name in sys.argv[1:]:
            with tifffile.TiffFile(name) as tif:
                assert len(tif.pages) == 5, len(tif.pages)
                assert tif.pages[0].compression == 32946 or tif.pages[0].compression == 8, tif.pages[0].compression
                a = tif.asarray()
            kind = 'f8' if a.dtype.kind == 'f' else 'i8'
            want = np.fromfile(name + '.expected', dtype='<' + kind).reshape(a.shape)
            assert np.array_equal(a.astype(kind), want), name
            print('ok', name, a.dtype)
        """;
    String output = Python.run(dir, script, names.toArray(String[]::new));
    for (String expected : List.of("uint8", "uint16", "uint32", "float32")) {
      assertTrue(output.contains(expected + ".tif " + expected), output);
    }
  }

  @Test
  void aWriterClosedWithoutCommitLeavesNothing() throws IOException {
    Path target = dir.resolve("unfinished.tif");
    try (WritableVolume out = Volumes.create(target.toString(), SHAPE, null, DType.FLOAT32, Compression.standard(),
        null)) {
      out.writeChunk(new long[] {0, 0, 0}, new float[37 * 41]);
      out.writeChunk(new long[] {1, 0, 0}, new float[37 * 41]);
      assertEquals(1, partials().size(), "the pages go to one temporary sibling");
      Fixtures.assertUserError(ExitCode.OUTPUT, out::commit, "2 of 5 pages", "page 2 is missing");
    }
    assertFalse(Files.exists(target));
    assertEquals(List.of(), partials());
    // An existing stack stays as it was until a new one is committed over it.
    Files.writeString(target, "old");
    try (WritableVolume out = Volumes.create(target.toString(), SHAPE, null, DType.UINT8, Compression.none(), null)) {
      out.writeChunk(new long[] {0, 0, 0}, new byte[37 * 41]);
    }
    assertEquals("old", Files.readString(target));
    Fixtures.assertUserError(ExitCode.OUTPUT, () -> Volumes.create(target.toString(), SHAPE, null, DType.UINT8,
        Compression.none(), null, IfExists.FAIL), "exists already");
  }

  @Test
  void refusesWhatATiffStackCannotHold() {
    String spec = dir.resolve("x.tif").toString();
    Fixtures.assertUserError(ExitCode.CONFIG, () -> Volumes.create(spec, new long[] {3, 5, 37, 41}, null,
        DType.FLOAT32, Compression.standard(), null), "[z, y, x]", "4 axes");
    Fixtures.assertUserError(ExitCode.CONFIG, () -> Volumes.create(spec, SHAPE, null, DType.INT16,
        Compression.standard(), null), "int16", ".zarr");
    try (WritableVolume out = Volumes.create(spec, SHAPE, null, DType.UINT8, Compression.standard(), null)) {
      Fixtures.assertUserError(ExitCode.OUTPUT, () -> out.writeChunk(new long[] {0, 0, 0}, new float[37 * 41]),
          "floating-point", "uint8");
      out.writeChunk(new long[] {0, 0, 0}, new byte[37 * 41]);
      assertThrows(IllegalArgumentException.class, () -> out.writeChunk(new long[] {0, 0, 0}, new byte[37 * 41]));
      assertThrows(IllegalStateException.class, () -> out.readFloats(new long[3], new int[] {1, 1, 1}));
    }
  }

  @Test
  void readsWhatTifffileWritesPageByPage() throws Exception {
    Python.assume("tifffile", "numpy");
    String script = ZarrPythonTest.VALUES.replace("import sys, os, numpy as np, zarr",
        "import sys, os, numpy as np, tifffile").replace("from numcodecs import Blosc, Zlib, GZip, Zstd\n", "") + """
        shape = (5, 37, 41)
        def save(name, a, **kw):
            tifffile.imwrite(os.path.join(out, name + '.tif'), a, **kw)
            expected(name, a)
            print(name)
        for dt in ['u1', 'i1', 'u2', 'i2', 'u4', 'i4', 'f4', 'f8']:
            save(f'plain-{dt}', values(dt, shape), photometric='minisblack')
        save('zlib-u2', values('u2', shape), photometric='minisblack', compression='zlib')
        save('tiled-f4', values('f4', (3, 64, 48)), photometric='minisblack', tile=(16, 16))
        save('bigendian-u2', values('u2', shape), photometric='minisblack', byteorder='>')
        save('strips-u1', values('u1', shape), photometric='minisblack', rowsperstrip=5)
        save('bigtiff-f4', values('f4', shape), photometric='minisblack', bigtiff=True)
        rgb = values('u1', (5, 37, 41, 3))
        tifffile.imwrite(os.path.join(out, 'rgb.tif'), rgb, photometric='rgb')
        expected('rgb', np.moveaxis(rgb, -1, 0))
        print('rgb')
        """;
    List<String> names = Python.run(dir, script, dir.toString()).lines().filter(l -> !l.isBlank()).toList();
    assertEquals(14, names.size(), names.toString());
    for (String name : names) {
      try (Volume volume = Volumes.open(dir.resolve(name + ".tif").toString())) {
        Fixtures.assertHolds(volume, Fixtures.readExpected(dir.resolve(name + ".expected"), volume.dtype().isFloat()));
      }
    }
    try (Volume rgb = Volumes.open(dir.resolve("rgb.tif").toString())) {
      assertArrayEquals(new long[] {3, 5, 37, 41}, rgb.shape());
      assertArrayEquals(new int[] {3, 1, 37, 41}, rgb.chunks());
      assertEquals(DType.UINT8, rgb.dtype());
    }
    try (Volume stack = Volumes.open(dir.resolve("plain-u4.tif").toString())) {
      assertEquals(DType.UINT32, stack.dtype());
      long[] whole = (long[]) Fixtures.readExpected(dir.resolve("plain-u4.expected"), false);
      ExecutorService pool = Executors.newFixedThreadPool(5);
      try {
        List<Future<long[]>> pages = new ArrayList<>();
        for (int z = 4; z >= 0; z--) {
          long[] offset = {z, 3, 2};
          pages.add(pool.submit(() -> stack.readLongs(offset, new int[] {1, 30, 35})));
        }
        for (int i = 0; i < 5; i++) {
          assertArrayEquals(Fixtures.cut(whole, SHAPE, new long[] {4 - i, 3, 2}, new int[] {1, 30, 35}),
              pages.get(i).get());
        }
      } finally {
        pool.shutdown();
      }
    }
  }

  @Test
  void aTruncatedStackIsAnErrorNotAShorterStack() throws IOException {
    Path whole = dir.resolve("whole.tif");
    try (WritableVolume out = Volumes.create(whole.toString(), SHAPE, null, DType.UINT8, Compression.none(), null)) {
      Fixtures.writeAll(out, Fixtures.integers(DType.UINT8, Fixtures.voxels(SHAPE), 2));
      out.commit();
    }
    byte[] bytes = Files.readAllBytes(whole);
    Path cut = dir.resolve("cut.tif");
    Files.write(cut, Arrays.copyOf(bytes, bytes.length * 3 / 5));
    Fixtures.assertUserError(ExitCode.INPUT, () -> Volumes.open(cut.toString()), "cut.tif", "corrupt or truncated");
  }

  private List<Path> partials() throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(p -> p.getFileName().toString().endsWith(".partial")).toList();
    }
  }
}
