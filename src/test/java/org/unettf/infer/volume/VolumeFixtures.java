package org.unettf.infer.volume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.unettf.TestData;
import org.unettf.io.ImageStack;
import org.unettf.io.StackReader;
import org.unettf.io.StackWriter;
import org.unettf.io.volume.Compression;
import org.unettf.io.volume.DType;
import org.unettf.io.volume.Volume;
import org.unettf.io.volume.Volumes;
import org.unettf.io.volume.WritableVolume;

/** Small EM volumes cut from ISBI 2012, written as Zarr arrays and TIFF stacks, and whole arrays read back. */
final class VolumeFixtures {
  private static ImageStack isbi;

  private VolumeFixtures() {}

  /** {@code depth} slices of ISBI's training volume cropped to {@code height×width} at (x0, y0), as 8-bit values. */
  static synchronized byte[][] isbi(int depth, int height, int width, int x0, int y0) {
    if (isbi == null) {
      isbi = StackReader.readImages(TestData.volume(), "x", s -> { });
    }
    byte[][] out = new byte[depth][height * width];
    for (int z = 0; z < depth; z++) {
      float[] slice = isbi.slice(z % isbi.depth());
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          out[z][y * width + x] = (byte) Math.round(slice[(y0 + y) * isbi.width() + x0 + x] * 255);
        }
      }
    }
    return out;
  }

  /** A uint8 Zarr array (Blosc-compressed) or N5 dataset (gzip), {@code [z, y, x]}, of the slices. */
  static String zarr(Path path, byte[][] slices, int height, int width, int[] chunks) {
    long[] shape = {slices.length, height, width};
    Compression compression = path.toString().contains(".n5") ? Compression.standard() : Compression.bloscLz4();
    try (WritableVolume v = Volumes.create(path.toString(), shape, chunks, DType.UINT8, compression, null)) {
      v.grid().forEach(index -> {
        long[] origin = v.grid().origin(index);
        int[] extent = v.grid().extent(index);
        byte[] chunk = new byte[extent[0] * extent[1] * extent[2]];
        int i = 0;
        for (int z = 0; z < extent[0]; z++) {
          for (int y = 0; y < extent[1]; y++) {
            System.arraycopy(slices[(int) origin[0] + z], (int) ((origin[1] + y) * width + origin[2]), chunk, i,
                extent[2]);
            i += extent[2];
          }
        }
        v.writeChunk(index, chunk);
      });
    }
    return path.toString();
  }

  static String tiff(Path file, byte[][] slices, int height, int width) {
    StackWriter.writeByteTiff(file, width, height, List.of(slices));
    return file.toString();
  }

  /** Every value of an array or stack, in C order. */
  static float[] read(String path) {
    try (Volume v = Volumes.open(path)) {
      long[] shape = v.shape();
      int[] size = new int[shape.length];
      for (int d = 0; d < shape.length; d++) {
        size[d] = (int) shape[d];
      }
      return v.readFloats(new long[shape.length], size);
    }
  }

  static long[] shape(String path) {
    try (Volume v = Volumes.open(path)) {
      return v.shape();
    }
  }

  /** Every visible file under {@code dir} with its bytes, for comparing outputs byte for byte. */
  static Map<String, byte[]> files(Path dir) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        String name = dir.relativize(p).toString();
        if (!p.getFileName().toString().startsWith(".") || name.endsWith(".zarray") || name.endsWith(".zgroup")) {
          out.put(name, Files.readAllBytes(p));
        }
      }
    }
    return out;
  }

  /** The chunk files of an array folder, by name. */
  static List<Path> chunkFiles(Path array) throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> list = Files.list(array)) {
      list.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().forEach(out::add);
    }
    return out;
  }
}
