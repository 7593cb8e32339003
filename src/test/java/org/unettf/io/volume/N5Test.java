package org.unettf.io.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jpountz.lz4.LZ4BlockOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** N5 checked against zarr-python's N5Store both ways, plus the block layout N5 readers expect. */
class N5Test {
  @TempDir
  Path dir;

  @Test
  void readsWhatZarrPythonsN5StoreWrites() throws IOException {
    Python.assume("zarr", "numcodecs", "numpy");
    String script = ZarrPythonTest.VALUES + """
        import warnings
        warnings.simplefilter('ignore')
        root = zarr.group(store=zarr.N5Store(os.path.join(out, 'py.n5')), overwrite=True)
        shape, chunks = (5, 37, 41), (2, 16, 16)
        for name, codec in [('raw', None), ('gzip', GZip(level=5)), ('zlib', Zlib(level=3)), ('zstd', Zstd(level=2)),
                            ('blosc', Blosc(cname='lz4', shuffle=1))]:
            for dt in ['u1', 'i1', 'u2', 'i2', 'u4', 'i4', 'i8', 'f4', 'f8']:
                a = values(dt, shape)
                z = root.create_dataset(f'{name}-{dt}', shape=shape, chunks=chunks, dtype=dt, compressor=codec)
                z[...] = a
                z.attrs['name'] = f'{name}-{dt}'
                expected(f'{name}-{dt}', a)
                print(f'{name}-{dt}')
        """;
    List<String> names = Python.run(dir, script, dir.toString()).lines().filter(l -> !l.isBlank()).toList();
    assertEquals(45, names.size(), names.toString());
    for (String name : names) {
      try (Volume volume = Volumes.open(dir.resolve("py.n5").resolve(name).toString())) {
        assertArrayEquals(Fixtures.SHAPE, volume.shape(), name);
        assertArrayEquals(Fixtures.CHUNKS, volume.chunks(), name);
        Fixtures.assertHolds(volume, Fixtures.readExpected(dir.resolve(name + ".expected"), volume.dtype().isFloat()));
        assertEquals(name, volume.attributes().get("name"));
      }
    }
  }

  @Test
  void zarrPythonsN5StoreReadsWhatJavaWrites() throws IOException {
    Python.assume("zarr", "numcodecs", "numpy");
    N5Group root = N5Group.create(dir.resolve("java.n5"), Map.of("made_by", "unet-tf"));
    List<String> names = new ArrayList<>();
    for (Compression codec : List.of(Compression.standard(), Compression.gzip().withLevel(9), Compression.zstd(),
        Compression.none())) {
      for (DType type : List.of(DType.UINT8, DType.INT8, DType.UINT16, DType.INT16, DType.UINT32, DType.INT32,
          DType.INT64, DType.FLOAT32, DType.FLOAT64)) {
        String name = codec.toString().replace(':', '-') + "-" + type;
        Object whole = Fixtures.values(type, Fixtures.voxels(Fixtures.SHAPE), names.size());
        try (WritableVolume out = root.createDataset(name, Fixtures.SHAPE, Fixtures.CHUNKS, type, codec,
            Map.of("name", name), IfExists.FAIL)) {
          Fixtures.writeAll(out, whole);
        }
        Fixtures.writeRaw(dir.resolve(name + ".expected"), whole);
        names.add(name);
      }
    }
    String script = """
        import sys, os, numpy as np, zarr
        out = sys.argv[1]
        root = zarr.open_group(zarr.N5Store(os.path.join(out, 'java.n5')), mode='r')
        assert root.attrs['made_by'] == 'unet-tf', dict(root.attrs)
        for name in sys.argv[2:]:
            z = root[name]
            a = z[...]
            kind = 'f8' if a.dtype.kind == 'f' else 'i8'
            want = np.fromfile(os.path.join(out, name + '.expected'), dtype='<' + kind).reshape(a.shape)
            assert np.array_equal(a.astype(kind), want, equal_nan=True), name
            assert z.chunks == (2, 16, 16) and z.attrs['name'] == name, (z.chunks, dict(z.attrs))
            print('ok', name, z.dtype)
        """;
    List<String> args = new ArrayList<>(List.of(dir.toString()));
    args.addAll(names);
    String output = Python.run(dir, script, args.toArray(String[]::new));
    assertEquals(names.size(), output.lines().filter(l -> l.startsWith("ok ")).count(), output);
  }

  @Test
  void presentsXFirstStorageInCOrder() throws IOException {
    // A 2 × 3 × 4 (z, y, x) dataset in one raw block, written the way N5 lays it out.
    Path dataset = dir.resolve("hand.n5/raw");
    Files.createDirectories(dataset.resolve("0/0"));
    Files.writeString(dir.resolve("hand.n5/attributes.json"), "{\"n5\": \"4.0.0\"}");
    Files.writeString(dataset.resolve("attributes.json"), "{\"dimensions\": [4, 3, 2], \"blockSize\": [4, 3, 2], "
        + "\"dataType\": \"uint16\", \"compressionType\": \"raw\", \"resolution\": [1, 1, 2]}");
    ByteBuffer block = ByteBuffer.allocate(16 + 48).order(ByteOrder.BIG_ENDIAN);
    block.putShort((short) 0).putShort((short) 3).putInt(4).putInt(3).putInt(2);
    for (int i = 0; i < 24; i++) {
      block.putShort((short) (1000 + i));
    }
    Files.write(dataset.resolve("0/0/0"), block.array());
    try (Volume volume = Volumes.open(dataset.toString())) {
      assertArrayEquals(new long[] {2, 3, 4}, volume.shape());
      assertEquals(DType.UINT16, volume.dtype());
      assertEquals(List.of(1L, 1L, 2L), volume.attributes().get("resolution"));
      // x varies fastest on disk, as it does in C order, so the block reads back in sequence.
      long[] expected = new long[24];
      for (int i = 0; i < 24; i++) {
        expected[i] = 1000 + i;
      }
      assertArrayEquals(expected, volume.readLongs(new long[3], new int[] {2, 3, 4}));
      assertEquals(1000 + 23, volume.readLongs(new long[] {1, 2, 3}, new int[] {1, 1, 1})[0]);
      assertEquals(1000 + 4, volume.readLongs(new long[] {0, 1, 0}, new int[] {1, 1, 1})[0]);
      assertEquals(1000 + 12, volume.readLongs(new long[] {1, 0, 0}, new int[] {1, 1, 1})[0]);
    }
  }

  @Test
  void readsLz4BlockStreamsAsN5Writes() throws IOException {
    Path dataset = dir.resolve("lz4.n5/raw");
    Files.createDirectories(dataset.resolve("0/0"));
    Files.writeString(dataset.resolve("attributes.json"), "{\"dimensions\": [41, 37, 5], \"blockSize\": [64, 64, 8], "
        + "\"dataType\": \"float32\", \"compression\": {\"type\": \"lz4\", \"blockSize\": 65536}}");
    float[] whole = Fixtures.floats(Fixtures.voxels(Fixtures.SHAPE), 5);
    ByteBuffer data = ByteBuffer.allocate(4 * whole.length).order(ByteOrder.BIG_ENDIAN);
    data.asFloatBuffer().put(whole);
    ByteArrayOutputStream packed = new ByteArrayOutputStream();
    try (LZ4BlockOutputStream out = new LZ4BlockOutputStream(packed, 4096)) {
      out.write(data.array());
    }
    ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN);
    header.putShort((short) 0).putShort((short) 3).putInt(41).putInt(37).putInt(5);
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    file.write(header.array());
    file.write(packed.toByteArray());
    Files.write(dataset.resolve("0/0/0"), file.toByteArray());
    try (Volume volume = Volumes.open(dataset.toString())) {
      Fixtures.assertHolds(volume, whole);
    }
    assertTrue(packed.size() > 0);
  }
}
