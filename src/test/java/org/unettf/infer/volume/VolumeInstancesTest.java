package org.unettf.infer.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unettf.io.volume.Volume;
import org.unettf.io.volume.Volumes;
import org.unettf.numerics.Instances;
import org.unettf.numerics.InstancesTest;

/**
 * {@code predict --instances} through the real command: cells of blocks that cut the slices,
 * stitched, equal the cells of whole slices and of the volume segmented in memory, in 2D and with
 * {@code --instances-3d}; the cells resume with the prediction, shards leave them to a final
 * run, and bad combinations are refused before any work.
 */
class VolumeInstancesTest {
  private static final int DEPTH = 4;
  private static final int HEIGHT = 203;
  private static final int WIDTH = 230;
  /** The tiny model is far less sure than a trained one: seeds from 0.84, not the default 0.98. */
  private static final double SEEDS = 0.84;
  private static final String[] CELLS = {"--seed-threshold", String.valueOf(SEEDS)};

  @TempDir
  Path dir;

  private String zarrInput() {
    return VolumeFixtures.zarr(dir.resolve("in.zarr").resolve("raw"), VolumeFixtures.isbi(DEPTH, HEIGHT, WIDTH, 40, 61),
        HEIGHT, WIDTH, new int[] {1, 64, 96});
  }

  private String tiffInput() {
    return VolumeFixtures.tiff(dir.resolve("in.tif"), VolumeFixtures.isbi(DEPTH, HEIGHT, WIDTH, 40, 61), HEIGHT, WIDTH);
  }

  private static void ok(TinyModels.Run r) {
    assertEquals(0, r.code(), () -> r.err() + "\n" + r.out());
  }

  private static int[] labels(String path) {
    try (Volume v = Volumes.open(path)) {
      long[] values = v.readLongs(new long[v.rank()], Arrays.stream(v.shape()).mapToInt(s -> (int) s).toArray());
      return Arrays.stream(values).mapToInt(l -> (int) l).toArray();
    }
  }

  /** The cells {@link Instances} makes of the whole volume's probabilities held in memory. */
  private static int[] inMemory(String probabilities, boolean threeD) {
    float[] cell = VolumeFixtures.read(probabilities);
    Instances.Parameters p = Instances.Parameters.defaults().withSeeds(Instances.Seeding.PROBABILITY, SEEDS, 0, 1);
    if (threeD) {
      return Instances.segment(cell, WIDTH, HEIGHT, DEPTH, p).labels();
    }
    int area = WIDTH * HEIGHT;
    int[] out = new int[cell.length];
    int offset = 0;
    for (int z = 0; z < DEPTH; z++) {
      var slice = Instances.segment(Arrays.copyOfRange(cell, z * area, (z + 1) * area), WIDTH, HEIGHT, p);
      for (int i = 0; i < area; i++) {
        out[z * area + i] = slice.labels()[i] == 0 ? 0 : slice.labels()[i] + offset;
      }
      offset += slice.count();
    }
    return out;
  }

  private static Set<Integer> ids(int[] labels, int from, int to) {
    Set<Integer> out = new HashSet<>();
    for (int i = from; i < to; i++) {
      if (labels[i] != 0) {
        out.add(labels[i]);
      }
    }
    return out;
  }

  @Test
  void cellsOfBlocksThatCutTheSlicesEqualTheCellsOfWholeSlices() {
    Path model = TinyModels.valid();
    String zarr = zarrInput();
    String tiff = tiffInput();
    for (boolean threeD : new boolean[] {false, true}) {
      String tag = threeD ? "3d" : "2d";
      String[] extra = threeD ? new String[] {"--instances-3d"} : new String[0];
      Path whole = dir.resolve("cells-" + tag + ".tif");
      TinyModels.Run slices = TinyModels.predict(model, tiff, dir.resolve("p-" + tag + ".tif").toString(),
          concat(concat(CELLS, "--instances", whole.toString()), extra));
      ok(slices);
      Path group = dir.resolve("out-" + tag + ".zarr");
      TinyModels.Run blocks = TinyModels.predict(model, zarr, group.toString(),
          concat(concat(CELLS, "--block", "1,128,96", "--instances", group.toString()), extra));
      ok(blocks);
      assertTrue(blocks.out().contains("joined across block borders"), blocks.out());
      assertTrue(blocks.out().contains("wrote " + group + "/instances: "), blocks.out());

      int[] cut = labels(group.resolve("instances").toString());
      int[] fromSlices = labels(whole.toString());
      InstancesTest.assertSamePartition(fromSlices, cut, tag + ": blocks of 128×96 against whole slices");
      InstancesTest.assertSamePartition(inMemory(group.resolve("probabilities").toString(), threeD), cut,
          tag + ": against Instances on the volume in memory");
      int area = WIDTH * HEIGHT;
      Set<Integer> first = ids(cut, 0, area);
      Set<Integer> second = ids(cut, area, 2 * area);
      Set<Integer> shared = new HashSet<>(first);
      shared.retainAll(second);
      if (threeD) {
        assertFalse(shared.isEmpty(), "cells continue into the next slice");
        int perSlice = 0;
        for (int z = 0; z < DEPTH; z++) {
          perSlice += ids(cut, z * area, (z + 1) * area).size();
        }
        assertTrue(ids(cut, 0, cut.length).size() < perSlice, "linked cells count once");
        assertTrue(slices.out().contains("links through z"), slices.out());
      } else {
        assertTrue(shared.isEmpty(), "each slice's cells have ids of their own");
      }
      int max = Arrays.stream(cut).max().orElse(0);
      assertTrue(max > 10, tag + ": cells found: " + max);
      assertEquals(ids(cut, 0, cut.length).size(), max, "ids 1..N, none skipped");
      try (Volume v = Volumes.open(group.resolve("instances").toString())) {
        assertEquals("uint32", v.dtype().toString());
        assertArrayEquals(new int[] {1, 64, 96}, v.chunks(), "the probabilities' chunks");
        assertEquals(max, ((Number) v.attributes().get("cells")).intValue());
        assertEquals(threeD, v.attributes().get("instances_3d"));
      }
    }
  }

  @Test
  void theCellsResumeWithThePredictionAndFollowTheirParameters() throws Exception {
    Path model = TinyModels.valid();
    String zarr = zarrInput();
    Path group = dir.resolve("out.zarr");
    String[] base = {"--block", "1,128,96", "--compression", "gzip", "--instances", group.toString()};
    String[] options = concat(base, CELLS);
    ok(TinyModels.predict(model, zarr, group.toString(), options));
    Path cells = group.resolve("instances");
    Map<String, byte[]> first = VolumeFixtures.files(cells);
    assertFalse(Files.exists(CellParts.folderOf(cells.toString())), "the parts go once the cells are written");

    TinyModels.Run again = TinyModels.predict(model, zarr, group.toString(), options);
    ok(again);
    assertTrue(again.out().contains("0 to predict (24 complete already)"), again.out());
    assertEqualFiles(first, VolumeFixtures.files(cells));

    // A chunk lost (a stitching killed before it wrote it): the rerun makes the same cells again.
    List<Path> chunks = VolumeFixtures.chunkFiles(cells);
    Files.delete(chunks.get(chunks.size() / 2));
    ok(TinyModels.predict(model, zarr, group.toString(), options));
    assertEqualFiles(first, VolumeFixtures.files(cells));

    // Other parameters: the cells are made again with them, the probabilities kept.
    Map<String, byte[]> probabilities = VolumeFixtures.files(group.resolve("probabilities"));
    ok(TinyModels.predict(model, zarr, group.toString(), concat(base, "--seed-threshold", "0.8")));
    assertTrue(Files.readString(cells.resolve(".zattrs")).contains("seedThreshold=0.8"));
    assertEqualFiles(probabilities, VolumeFixtures.files(group.resolve("probabilities")));
  }

  @Test
  void shardsLeaveTheirCellsToARunWithoutShardsThatStitchesThem() throws Exception {
    Path model = TinyModels.valid();
    String zarr = zarrInput();
    Path one = dir.resolve("one.zarr");
    ok(TinyModels.predict(model, zarr, one.toString(), concat(CELLS, "--block", "1,128,96", "--instances",
        one.toString())));
    Path shared = dir.resolve("shared.zarr");
    for (String shard : new String[] {"0/2", "1/2"}) {
      TinyModels.Run r = TinyModels.predict(model, zarr, shared.toString(), concat(CELLS, "--block", "1,128,96",
          "--instances", shared.toString(), "--shard", shard));
      ok(r);
      assertTrue(r.out().contains("run the same command without --shard to stitch them"), r.out());
      assertFalse(Files.exists(shared.resolve("instances")), "no shard writes the cells alone");
    }
    TinyModels.Run last = TinyModels.predict(model, zarr, shared.toString(), concat(CELLS, "--block", "1,128,96",
        "--instances", shared.toString()));
    ok(last);
    assertTrue(last.out().contains("0 to predict"), last.out());
    int[] expected = labels(one.resolve("instances").toString());
    assertArrayEquals(expected, labels(shared.resolve("instances").toString()));
  }

  @Test
  void zarrPythonAndTifffileReadTheCellsAlike() throws Exception {
    Path model = TinyModels.valid();
    String tiff = tiffInput();
    Path cells = dir.resolve("cells.tif");
    Path group = dir.resolve("out.zarr");
    ok(TinyModels.predict(model, tiff, dir.resolve("p.tif").toString(), concat(CELLS, "--instances",
        cells.toString())));
    ok(TinyModels.predict(model, tiff, group.toString(), concat(CELLS, "--instances", group.toString())));
    assertArrayEquals(labels(cells.toString()), labels(group.resolve("instances").toString()),
        "the same run order gives the same ids");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "needs /usr/bin/python3 with zarr and tifffile");
    Process p = new ProcessBuilder("/usr/bin/python3", "-c", String.join("\n",
        "import sys, zarr, tifffile, numpy",
        "a = zarr.open(sys.argv[1], mode='r')[:]",
        "b = tifffile.imread(sys.argv[2])",
        "print(a.dtype, b.dtype, a.shape == b.shape, bool((a == b).all()), int(a.max()))"),
        group.resolve("instances").toString(), cells.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    int code = p.waitFor();
    assumeTrue(code == 0 || !out.contains("ModuleNotFoundError"), "zarr or tifffile not installed: " + out);
    assertEquals(0, code, out);
    int max = Arrays.stream(labels(cells.toString())).max().orElse(0);
    assertTrue(max > 10, "cells found: " + max);
    assertEquals("uint32 uint32 True True " + max, out);
  }

  @Test
  void badCombinationsAreRefusedBeforeAnyWork() throws Exception {
    Path model = TinyModels.valid();
    String zarr = zarrInput();
    String tiff = tiffInput();
    Path p = dir.resolve("p.tif");
    TinyModels.Run r = TinyModels.predict(model, tiff, p.toString(), "--instances-3d");
    assertEquals(2, r.code(), r.out());
    assertTrue(r.err().contains("--instances-3d shape the cells of --instances PATH; give --instances too"), r.err());
    r = TinyModels.predict(model, tiff, p.toString(), "--seed-threshold", "0.9");
    assertEquals(2, r.code(), r.out());
    r = TinyModels.predict(model, tiff, p.toString(), "--instances", p.toString());
    assertEquals(2, r.code(), r.out());
    assertTrue(r.err().contains("is already the --output or --masks file"), r.err());
    r = TinyModels.predict(model, tiff, p.toString(), "--instances", dir.resolve("cells.h5").toString());
    assertEquals(2, r.code(), r.out());
    assertTrue(r.err().contains("--instances: HDF5 is read, not written"), r.err());
    Path group = dir.resolve("out.zarr");
    r = TinyModels.predict(model, zarr, group.toString(), "--block", "1,128,96", "--instances",
        dir.resolve("cells.tif").toString());
    assertEquals(2, r.code(), r.out());
    assertTrue(r.err().contains("a TIFF stack is written in whole slices, and blocks of [1, 128, 96] cut the "
        + "230×203 slices"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    r = TinyModels.predict(model, zarr, group.toString(), "--instances", group.resolve("probabilities").toString());
    assertEquals(2, r.code(), r.out());
    assertTrue(r.err().contains("is the prediction's probabilities array"), r.err());
    assertFalse(Files.exists(p), "nothing written");
    assertFalse(Files.exists(dir.resolve("cells.tif")));
  }

  private static void assertEqualFiles(Map<String, byte[]> expected, Map<String, byte[]> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    for (String name : expected.keySet()) {
      if (!name.equals(".zattrs")) {
        assertArrayEquals(expected.get(name), actual.get(name), name);
      }
    }
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
