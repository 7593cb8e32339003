package org.unettf.io.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unettf.error.ExitCode;

/** HDF5 datasets as h5py writes them, read box by box through jhdf; HDF5 output refused. */
class Hdf5Test {
  @TempDir
  Path dir;

  @Test
  void readsBoxesOfContiguousChunkedAndCompressedDatasets() throws Exception {
    Python.assume("h5py", "numpy");
    String script = ZarrPythonTest.VALUES.replace("import sys, os, numpy as np, zarr", "import sys, os, numpy as np, h5py")
        .replace("from numcodecs import Blosc, Zlib, GZip, Zstd\n", "") + """
        shape = (5, 37, 41)
        with h5py.File(os.path.join(out, 'cells.h5'), 'w') as f:
            f.attrs['origin'] = 'h5py'
            group = f.create_group('volumes')
            for dt in ['u1', 'i1', 'u2', 'i2', 'u4', 'i4', 'i8', 'f4', 'f8', '>u2', '>f4']:
                a = values(dt, shape)
                tag = dt.replace('>', 'be')
                f.create_dataset(f'contiguous-{tag}', data=a)
                f.create_dataset(f'chunked-{tag}', data=a, chunks=(2, 16, 16))
                group.create_dataset(f'gzip-{tag}', data=a, chunks=(2, 16, 16), compression='gzip', shuffle=True)
                for name in [f'contiguous-{tag}', f'chunked-{tag}', f'volumes/gzip-{tag}']:
                    f[name].attrs['resolution'] = [2.0, 1.0, 1.0]
                    expected(name.replace('/', '_'), a)
                    print(name)
        """;
    List<String> names = Python.run(dir, script, dir.toString()).lines().filter(l -> !l.isBlank()).toList();
    assertEquals(33, names.size(), names.toString());
    for (String name : names) {
      try (Volume volume = Volumes.open(dir.resolve("cells.h5") + ":/" + name)) {
        assertArrayEquals(Fixtures.SHAPE, volume.shape(), name);
        assertArrayEquals(name.contains("contiguous") ? new int[] {1, 37, 41} : Fixtures.CHUNKS, volume.chunks(), name);
        Object expected = Fixtures.readExpected(dir.resolve(name.replace('/', '_') + ".expected"),
            volume.dtype().isFloat());
        Fixtures.assertHolds(volume, expected);
        assertEquals(List.of(2.0, 1.0, 1.0), volume.attributes().get("resolution"), name);
      }
    }
    try (Volume volume = Volumes.open(dir.resolve("cells.h5") + ":volumes/gzip-u4")) {
      assertEquals(DType.UINT32, volume.dtype());
      long[] whole = (long[]) Fixtures.readExpected(dir.resolve("volumes_gzip-u4.expected"), false);
      assertEquals(4294967295L, whole[0]);
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<long[]>> reads = new ArrayList<>();
        for (int z = 0; z < 5; z++) {
          long[] offset = {z, 10, 7};
          reads.add(pool.submit(() -> volume.readLongs(offset, new int[] {1, 20, 30})));
        }
        for (int z = 0; z < 5; z++) {
          assertArrayEquals(Fixtures.cut(whole, Fixtures.SHAPE, new long[] {z, 10, 7}, new int[] {1, 20, 30}),
              reads.get(z).get());
        }
      } finally {
        pool.shutdown();
      }
    }
  }

  @Test
  void namesTheDatasetsWhenNoneOrAWrongOneIsGiven() throws IOException {
    Python.assume("h5py", "numpy");
    Python.run(dir, """
        import h5py, numpy as np
        with h5py.File('cells.h5', 'w') as f:
            f['raw'] = np.zeros((2, 3, 4), 'u1')
            f.create_group('more')['labels'] = np.zeros((2, 3, 4), 'u4')
        """);
    String file = dir.resolve("cells.h5").toString();
    Fixtures.assertUserError(ExitCode.INPUT, () -> Volumes.open(file), file + ":/dataset", "/raw", "/more/labels");
    Fixtures.assertUserError(ExitCode.INPUT, () -> Volumes.open(file + ":/nothing"), "no dataset /nothing", "/raw");
    Fixtures.assertUserError(ExitCode.INPUT, () -> Volumes.open(file + ":/more"), "is a group", "/more/labels");
    // Recognised by its signature when the name does not say HDF5.
    Path renamed = Files.copy(dir.resolve("cells.h5"), dir.resolve("cells.data"));
    Fixtures.assertUserError(ExitCode.INPUT, () -> Volumes.open(renamed.toString()), "HDF5", ":/dataset", "/raw");
  }

  @Test
  void refusesHdf5OutputPointingToZarrAndN5() throws IOException {
    Fixtures.assertUserError(ExitCode.OUTPUT, () -> Volumes.create(dir.resolve("out.h5") + ":/prediction",
        Fixtures.SHAPE, Fixtures.CHUNKS, DType.FLOAT32, Compression.standard(), null), "HDF5 output", ".zarr", ".n5");
    Files.writeString(dir.resolve("fake.h5"), "not HDF5 at all");
    Fixtures.assertUserError(ExitCode.INPUT, () -> Volumes.open(dir.resolve("fake.h5") + ":/raw"),
        "fake.h5", "not a readable HDF5 file");
  }
}
