package org.unettf.io.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Zarr v2 checked against zarr-python 2 and numcodecs: each reads what the other writes, value for value. */
class ZarrPythonTest {
  /** Values with runs (to compress), extremes and noise, as numpy writes them; the same script shape as the Java side. */
  static final String VALUES = """
      import sys, os, numpy as np, zarr
      from numcodecs import Blosc, Zlib, GZip, Zstd
      out = sys.argv[1]
      rng = np.random.default_rng(0)
      def values(dt, shape):
          dt = np.dtype(dt)
          n = int(np.prod(shape))
          if dt.kind == 'f':
              a = (np.arange(n) // 5 % 9 + rng.normal(0, 0.01, n)).astype(dt)
              a[::13] = rng.normal(0, 1e6, a[::13].shape)
              a[1::17] = -0.0
          else:
              info = np.iinfo(dt)
              a = (np.arange(n) // 7 % 50).astype(dt)
              a[::11] = info.max
              a[1::11] = info.min
              a[2::11] = rng.integers(info.min, info.max, a[2::11].shape, endpoint=True, dtype=dt.newbyteorder('='))
          return a.reshape(shape)
      def expected(name, a):
          a.astype('<f8' if a.dtype.kind == 'f' else '<i8').tofile(os.path.join(out, name + '.expected'))
      """;

  @TempDir
  Path dir;

  @Test
  void readsWhatZarrPythonWrites() throws IOException {
    Python.assume("zarr", "numcodecs", "numpy");
    String script = VALUES + """
        def save(name, a, **kw):
            z = zarr.open_array(os.path.join(out, 'py.zarr', name), mode='w', shape=a.shape, dtype=a.dtype, **kw)
            z[...] = a
            z.attrs['name'] = name
            expected(name, a)
            print(name)
        shape, chunks = (5, 37, 41), (2, 16, 16)
        for cname in ['lz4', 'lz4hc', 'zstd', 'zlib']:
            for shuffle in [0, 1, 2]:
                for dt in ['u1', 'i2', 'u4', 'f4', 'f8']:
                    save(f'blosc-{cname}-{shuffle}-{dt}', values(dt, shape), chunks=chunks,
                         compressor=Blosc(cname=cname, clevel=5, shuffle=shuffle))
        # Chunks of several blocks with a short last one, split into one stream per byte of the type.
        for cname in ['lz4', 'zlib', 'zstd']:
            for shuffle in [1, 2]:
                for dt in ['u2', 'f4']:
                    save(f'blocks-{cname}-{shuffle}-{dt}', values(dt, (3, 130, 140)), chunks=(2, 128, 130),
                         compressor=Blosc(cname=cname, clevel=1, shuffle=shuffle))
        save('blocks-zstd-small-u2', values('u2', shape), chunks=chunks,
             compressor=Blosc(cname='zstd', shuffle=2, blocksize=300))
        save('memcpy-u1', rng.integers(0, 256, shape, dtype='u1'), chunks=chunks, compressor=Blosc(cname='lz4', shuffle=0))
        for name, codec in [('zlib', Zlib(level=6)), ('gzip', GZip(level=5)), ('zstd', Zstd(level=3)), ('none', None)]:
            for dt in ['u1', 'i1', 'u2', 'i4', 'u4', 'f4', 'f8', 'i8']:
                save(f'{name}-{dt}', values(dt, shape), chunks=chunks, compressor=codec)
        save('nested-f4', values('f4', shape), chunks=chunks, compressor=Zstd(), dimension_separator='/')
        save('bigendian-u2', values('>u2', shape), chunks=chunks, compressor=None)
        save('bigendian-f8', values('>f8', shape), chunks=chunks, compressor=Blosc(cname='zstd', shuffle=1))
        save('channels-f4', values('f4', (3, 5, 37, 41)), chunks=(3, 2, 16, 16), compressor=Blosc())
        """;
    List<String> names = Python.run(dir, script, dir.toString()).lines().filter(l -> !l.isBlank()).toList();
    assertTrue(names.size() > 90, names.toString());
    for (String name : names) {
      String spec = dir.resolve("py.zarr").resolve(name).toString();
      try (Volume volume = Volumes.open(spec)) {
        Object expected = Fixtures.readExpected(dir.resolve(name + ".expected"), volume.dtype().isFloat());
        Fixtures.assertHolds(volume, expected);
        assertEquals(name, volume.attributes().get("name"));
      }
    }
    Map<String, Integer> seen = bloscLayouts(dir.resolve("py.zarr"));
    for (String layout : List.of("byte shuffle", "bit shuffle", "no shuffle", "memcpyed", "split", "unsplit",
        "short last block split", "short last block unsplit", "lz4", "zlib", "zstd")) {
      assertTrue(seen.getOrDefault(layout, 0) > 0, "the Python chunks never had " + layout + ": " + seen);
    }
  }

  /** Which parts of the Blosc format the Python chunks exercise, so a change to the script cannot drop one unseen. */
  private static Map<String, Integer> bloscLayouts(Path store) throws IOException {
    Map<String, Integer> seen = new TreeMap<>();
    try (Stream<Path> files = Files.walk(store)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String array = store.relativize(file).getName(0).toString();
        if (!array.startsWith("blosc") && !array.startsWith("blocks") && !array.startsWith("memcpy")
            && !array.equals("bigendian-f8") && !array.equals("channels-f4") || file.getFileName().toString().startsWith(".")) {
          continue;
        }
        ByteBuffer header = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int flags = header.get(2) & 0xff;
        int nbytes = header.getInt(4);
        int blocksize = header.getInt(8);
        List<String> kinds = new ArrayList<>();
        if ((flags & 0x02) != 0) {
          kinds.add("memcpyed");
        } else {
          kinds.add((flags & 0x01) != 0 ? "byte shuffle" : (flags & 0x04) != 0 ? "bit shuffle" : "no shuffle");
          String split = (flags & 0x10) == 0 ? "split" : "unsplit";
          kinds.add(split);
          if (nbytes % blocksize != 0 && nbytes > blocksize) {
            kinds.add("short last block " + split);
          }
          kinds.add(Blosc.codecName(flags >>> 5));
        }
        kinds.forEach(k -> seen.merge(k, 1, Integer::sum));
      }
    }
    return seen;
  }

  @Test
  void zarrPythonReadsWhatJavaWrites() throws IOException {
    Python.assume("zarr", "numcodecs", "numpy");
    Path store = dir.resolve("java.zarr");
    List<Compression> codecs = List.of(Compression.standard(), Compression.zstd().withLevel(9), Compression.gzip(),
        Compression.bloscLz4(), Compression.bloscZstd(), Compression.none());
    List<String> names = new ArrayList<>();
    for (Compression codec : codecs) {
      for (DType type : List.of(DType.UINT8, DType.INT8, DType.UINT16, DType.INT16, DType.UINT32, DType.INT32,
          DType.UINT64, DType.INT64, DType.FLOAT32, DType.FLOAT64)) {
        String name = codec.toString().replace(':', '-') + "-" + type;
        Object whole = Fixtures.values(type, Fixtures.voxels(Fixtures.SHAPE), names.size());
        try (WritableVolume out = Volumes.create(store.resolve(name).toString(), Fixtures.SHAPE, Fixtures.CHUNKS, type,
            codec, Map.of("name", name, "scale", List.of(1.0, 0.5, 0.5)))) {
          Fixtures.writeAll(out, whole);
        }
        Fixtures.writeRaw(dir.resolve(name + ".expected"), whole);
        names.add(name);
      }
    }
    // Chunks of 640 KB: several Blosc blocks each, the last one short.
    long[] bigShape = {3, 200, 200};
    int[] bigChunks = {2, 200, 200};
    for (Compression codec : List.of(Compression.bloscLz4(), Compression.bloscZstd())) {
      String name = "big-" + codec;
      float[] whole = Fixtures.floats(Fixtures.voxels(bigShape), 11);
      try (WritableVolume out = Volumes.create(store.resolve(name).toString(), bigShape, bigChunks, DType.FLOAT64,
          codec, Map.of("name", name, "scale", List.of(1.0, 0.5, 0.5)))) {
        Fixtures.writeAll(out, whole);
      }
      Fixtures.writeRaw(dir.resolve(name + ".expected"), whole);
      names.add(name);
    }
    String script = """
        import sys, os, numpy as np, zarr
        out = sys.argv[1]
        group = zarr.open_group(os.path.join(out, 'java.zarr'), mode='r')
        for name in sys.argv[2:]:
            z = group[name]
            a = z[...]
            kind = 'f8' if a.dtype.kind == 'f' else 'i8'
            want = np.fromfile(os.path.join(out, name + '.expected'), dtype='<' + kind).reshape(a.shape)
            got = a.astype(kind)
            assert np.array_equal(got, want, equal_nan=True), name
            assert np.array_equal(np.signbit(got), np.signbit(want)), name + ' signs'
            assert z.chunks == ((2, 200, 200) if name.startswith('big') else (2, 16, 16)), z.chunks
            assert z.attrs['name'] == name and z.attrs['scale'] == [1.0, 0.5, 0.5], dict(z.attrs)
            print('ok', name, z.dtype, z.compressor)
        """;
    List<String> args = new ArrayList<>(List.of(dir.toString()));
    args.addAll(names);
    String output = Python.run(dir, script, args.toArray(String[]::new));
    assertEquals(names.size(), output.lines().filter(l -> l.startsWith("ok ")).count(), output);
  }
}
