package org.unettf.infer.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unettf.config.RuntimeConfig;
import org.unettf.data.BlockGrid;
import org.unettf.data.OverlapTile;
import org.unettf.io.StackWriter;
import org.unettf.io.volume.Volume;
import org.unettf.io.volume.Volumes;

/**
 * Whole-volume prediction through the real {@code predict} command: block by block into Zarr and
 * N5 groups it gives what the TIFF path gives slice by slice, whatever the blocks, test-time
 * augmentation included; it resumes what an earlier run left, refuses an output made otherwise,
 * and shards share one output.
 */
class VolumePredictionTest {
  private static final int DEPTH = 5;
  private static final int HEIGHT = 203;
  private static final int WIDTH = 230;

  @TempDir
  Path dir;

  private String zarrInput(int[] chunks) {
    return VolumeFixtures.zarr(dir.resolve("in.zarr").resolve("raw"), VolumeFixtures.isbi(DEPTH, HEIGHT, WIDTH, 40, 61),
        HEIGHT, WIDTH, chunks);
  }

  private String tiffInput() {
    return VolumeFixtures.tiff(dir.resolve("in.tif"), VolumeFixtures.isbi(DEPTH, HEIGHT, WIDTH, 40, 61), HEIGHT, WIDTH);
  }

  private static void ok(TinyModels.Run r) {
    assertEquals(0, r.code(), () -> r.err() + "\n" + r.out());
  }

  @Test
  void blocksOfAZarrVolumeEqualTheTiffPathSliceBySlice() {
    Path model = TinyModels.valid();
    String zarr = zarrInput(new int[] {2, 64, 96});
    String tiff = tiffInput();
    Path slices = dir.resolve("slices.tif");
    // Small tiles and blocks of a few chunks, so that tiles and blocks meet inside every slice.
    String[] options = {"--tta", "8", "--max-tile", "92", "--batch", "3"};
    ok(TinyModels.predict(model, tiff, slices.toString(), options));
    TinyModels.Run r = TinyModels.predict(model, zarr, dir.resolve("out.zarr").toString(), concat(options, "--block",
        "2,128,96"));
    ok(r);
    assertTrue(r.out().contains("block(s) of [2, 128, 96] voxels in chunks of [2, 64, 96]"), r.out());
    float[] expected = VolumeFixtures.read(slices.toString());
    float[] probabilities = VolumeFixtures.read(dir.resolve("out.zarr/probabilities").toString());
    assertArrayEquals(new long[] {DEPTH, HEIGHT, WIDTH}, VolumeFixtures.shape(dir.resolve("out.zarr/probabilities").toString()));
    assertArrayEquals(expected, probabilities, 1e-5f);
    float[] masks = VolumeFixtures.read(dir.resolve("out.zarr/masks").toString());
    float[] tiffMasks = VolumeFixtures.read(dir.resolve("slices-masks.tif").toString());
    for (int i = 0; i < masks.length; i++) {
      if (Math.abs(expected[i] - 0.5f) > 1e-5f) {
        assertEquals(tiffMasks[i], masks[i], "voxel " + i);
        assertEquals(expected[i] > 0.5f ? 255f : 0f, masks[i], "voxel " + i);
      }
    }
    try (Volume p = Volumes.open(dir.resolve("out.zarr/probabilities").toString())) {
      assertArrayEquals(new int[] {2, 64, 96}, p.chunks(), "the input's chunks");
    }

    // N5, from the TIFF stack, in chunks of its own.
    ok(TinyModels.predict(model, tiff, dir.resolve("out.n5").toString(), concat(options, "--chunks", "3,50,77")));
    assertArrayEquals(expected, VolumeFixtures.read(dir.resolve("out.n5/probabilities").toString()), 1e-5f);
  }

  @Test
  void samePaddingBlocksGiveTheWholeSlicesValuesExactlyForEveryClass() {
    Path model = TinyModels.sameRgb();
    String zarr = zarrInput(new int[] {1, 48, 64});
    Path slices = dir.resolve("slices.tif");
    ok(TinyModels.predict(model, tiffInput(), slices.toString(), "--tta", "2", "--max-tile", "96"));
    TinyModels.Run r = TinyModels.predict(model, zarr, dir.resolve("out.zarr").toString(), "--tta", "2", "--max-tile",
        "96", "--block", "2,96,64");
    ok(r);
    assertTrue(r.out().contains("is grey; repeating it in all three channels of the RGB network"), r.out());
    // The TIFF holds one page per class per slice; the array [c, z, y, x].
    float[] pages = VolumeFixtures.read(slices.toString());
    String probabilities = dir.resolve("out.zarr/probabilities").toString();
    assertArrayEquals(new long[] {3, DEPTH, HEIGHT, WIDTH}, VolumeFixtures.shape(probabilities));
    float[] array = VolumeFixtures.read(probabilities);
    int area = HEIGHT * WIDTH;
    for (int c = 0; c < 3; c++) {
      for (int z = 0; z < DEPTH; z++) {
        for (int i = 0; i < area; i++) {
          assertEquals(pages[(z * 3 + c) * area + i], array[(c * DEPTH + z) * area + i], "class " + c + " slice " + z);
        }
      }
    }
    float[] masks = VolumeFixtures.read(dir.resolve("out.zarr/masks").toString());
    assertArrayEquals(VolumeFixtures.read(dir.resolve("slices-masks.tif").toString()), masks);
    for (float v : masks) {
      assertTrue(v == 0 || v == 128 || v == 255, "mask values are the labels' " + v);
    }
  }

  @Test
  void aRerunResumesWhatWasLeftAndGivesTheSameVolume() throws Exception {
    Path model = TinyModels.valid();
    String zarr = zarrInput(new int[] {1, 101, 115});
    Path out = dir.resolve("out.zarr");
    ok(TinyModels.predict(model, zarr, out.toString(), "--tta", "4", "--block", "1,101,115"));
    Map<String, byte[]> whole = VolumeFixtures.files(out);
    // As a killed run leaves it: whole chunks only, some of them missing, masks and probabilities apart.
    List<Path> probabilityChunks = VolumeFixtures.chunkFiles(out.resolve("probabilities"));
    List<Path> maskChunks = VolumeFixtures.chunkFiles(out.resolve("masks"));
    assertEquals(DEPTH * 2 * 3, probabilityChunks.size());
    Files.delete(probabilityChunks.get(3));
    Files.delete(maskChunks.get(7));
    Files.delete(probabilityChunks.get(20));
    Files.delete(maskChunks.get(20));
    Files.writeString(out.resolve("masks").resolve(".0.0.0.foreign-1-1.partial"), "a temporary of a dead writer");
    TinyModels.Run again = TinyModels.predict(model, zarr, out.toString(), "--tta", "4", "--block", "1,101,115");
    ok(again);
    assertTrue(again.out().contains("30 block(s) of [1, 101, 115] voxels in chunks of [1, 101, 115]; 3 to predict "
        + "(27 complete already)"), again.out());
    Map<String, byte[]> resumed = VolumeFixtures.files(out);
    assertEquals(whole.keySet(), resumed.keySet());
    for (String name : whole.keySet()) {
      assertArrayEquals(whole.get(name), resumed.get(name), name);
    }
    TinyModels.Run done = TinyModels.predict(model, zarr, out.toString(), "--tta", "4", "--block", "1,101,115");
    ok(done);
    assertTrue(done.out().contains("0 to predict (30 complete already)"), done.out());
    assertTrue(done.out().contains("nothing left to predict"), done.out());
  }

  @Test
  void anOutputMadeWithOtherSettingsIsRefusedUnlessOverwritten() throws Exception {
    Path model = TinyModels.valid();
    String zarr = zarrInput(new int[] {5, 128, 128});
    Path out = dir.resolve("out.zarr");
    ok(TinyModels.predict(model, zarr, out.toString()));
    Map<String, byte[]> before = VolumeFixtures.files(out);
    TinyModels.Run other = TinyModels.predict(model, zarr, out.toString(), "--tta", "2");
    assertEquals(5, other.code());
    assertEquals("error: " + out + " holds a prediction made with other settings (tta [0] there, [0,4] here); rerun "
        + "with the same model and options to resume it, or add --overwrite to replace it", other.errorLine());
    Map<String, byte[]> after = VolumeFixtures.files(out);
    assertEquals(before.keySet(), after.keySet());
    TinyModels.Run replaced = TinyModels.predict(model, zarr, out.toString(), "--tta", "2", "--overwrite");
    ok(replaced);
    String attributes = Files.readString(out.resolve(".zattrs"));
    assertTrue(attributes.contains("\"tta\": [\n        0,\n        4\n      ]"), attributes);
  }

  @Test
  void theGroupDescribesThePredictionForViewersAndForReruns() throws Exception {
    Path model = TinyModels.valid();
    String zarr = zarrInput(new int[] {5, 128, 128});
    Path out = dir.resolve("out.zarr");
    ok(TinyModels.predict(model, zarr, out.toString(), "--compression", "gzip:4"));
    JsonObject attributes = new Gson().fromJson(Files.readString(out.resolve(".zattrs")), JsonObject.class);
    var multiscales = attributes.getAsJsonArray("multiscales");
    assertEquals(2, multiscales.size());
    assertEquals("probabilities", multiscales.get(0).getAsJsonObject().get("name").getAsString());
    assertEquals("0.4", multiscales.get(0).getAsJsonObject().get("version").getAsString());
    JsonObject record = attributes.getAsJsonObject("unet-tf");
    assertEquals(64, record.get("fingerprint").getAsString().length());
    assertEquals("predict", record.getAsJsonArray("command").get(1).getAsString());
    for (String key : List.of("unet_tf", "git_commit", "tensorflow", "java")) {
      assertTrue(record.getAsJsonObject("versions").has(key), key);
    }
    assertEquals(List.of("membrane", "cell"), record.getAsJsonObject("model").getAsJsonArray("classes").asList().stream()
        .map(e -> e.getAsString()).toList());
    String zarray = Files.readString(out.resolve("probabilities/.zarray"));
    assertTrue(zarray.contains("\"id\": \"gzip\"") && zarray.contains("\"<f4\""), zarray);
  }

  @Test
  void shardsStartedTogetherWriteOneOutputThatEqualsOneRun() throws Exception {
    Path model = TinyModels.valid();
    String zarr = zarrInput(new int[] {1, 101, 115});
    Path one = dir.resolve("one.zarr");
    ok(TinyModels.predict(model, zarr, one.toString(), "--block", "1,101,115"));
    Path shared = dir.resolve("shared.zarr");
    ConcurrentLinkedQueue<TinyModels.Run> results = new ConcurrentLinkedQueue<>();
    List<Thread> shards = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      String share = k + "/3";
      Thread t = new Thread(() -> results.add(TinyModels.predict(model, zarr, shared.toString(), "--block", "1,101,115",
          "--shard", share)));
      shards.add(t);
      t.start();
    }
    for (Thread t : shards) {
      t.join();
    }
    assertEquals(3, results.size());
    int joined = 0;
    for (TinyModels.Run r : results) {
      ok(r);
      assertTrue(r.out().contains("30 block(s) of [1, 101, 115] voxels in chunks of [1, 101, 115], 10 of them shard "),
          r.out());
      joined += r.out().contains("continuing the prediction there") ? 1 : 0;
    }
    assertEquals(2, joined, "one shard made the group, the others joined it");
    Map<String, byte[]> expected = VolumeFixtures.files(one);
    Map<String, byte[]> actual = VolumeFixtures.files(shared);
    assertEquals(expected.keySet(), actual.keySet());
    for (String name : expected.keySet()) {
      assertArrayEquals(expected.get(name), actual.get(name), name);
    }
  }

  @Test
  void everyInputTheVolumeLayerOpensGivesTheSamePredictionAndZarrPythonReadsIt() throws Exception {
    assumeTrue(Files.isExecutable(PYTHON), "needs " + PYTHON + " with numpy, zarr, h5py and tifffile");
    Path model = TinyModels.valid();
    byte[][] slices = VolumeFixtures.isbi(DEPTH, HEIGHT, WIDTH, 40, 61);
    String zarr = zarrInput(new int[] {2, 64, 96});
    Path reference = dir.resolve("zarr.zarr");
    ok(TinyModels.predict(model, zarr, reference.toString(), "--chunks", "1,101,115"));
    float[] expected = VolumeFixtures.read(reference.resolve("probabilities").toString());
    // The same voxels as N5, HDF5 (written by h5py), a folder of PNG slices and a TIFF stack.
    String n5 = VolumeFixtures.zarr(dir.resolve("in.n5").resolve("raw"), slices, HEIGHT, WIDTH, new int[] {3, 50, 50});
    Path pngs = Files.createDirectories(dir.resolve("pngs"));
    for (int z = 0; z < DEPTH; z++) {
      ImageIO.write(StackWriter.byteImage(WIDTH, HEIGHT, slices[z]), "png",
          pngs.resolve("s" + z + ".png").toFile());
    }
    python("import sys, zarr, h5py\n"
        + "a = zarr.open(sys.argv[1], mode='r')[:]\n"
        + "with h5py.File(sys.argv[2], 'w') as f: f.create_dataset('raw', data=a, chunks=(1, 64, 64), compression='gzip')\n",
        zarr, dir.resolve("in.h5").toString());
    for (String input : List.of(n5, dir.resolve("in.h5") + ":/raw", pngs.toString(), tiffInput())) {
      Path out = dir.resolve("from-" + Math.abs(input.hashCode()) + ".zarr");
      ok(TinyModels.predict(model, input, out.toString(), "--chunks", "1,101,115"));
      assertArrayEquals(expected, VolumeFixtures.read(out.resolve("probabilities").toString()), input);
    }
    // An independent reader: zarr-python sees the arrays, their values and the OME-Zarr axes.
    String seen = python("import sys, zarr, numpy as np\n"
        + "g = zarr.open_group(sys.argv[1], mode='r')\n"
        + "p = g['probabilities']\n"
        + "print(p.shape, p.dtype, g['masks'].dtype, [a['name'] for a in g.attrs['multiscales'][0]['axes']])\n"
        + "print(float(np.abs(p[:] - np.fromfile(sys.argv[2], dtype='>f4').reshape(p.shape)).max()))\n",
        reference.toString(), bigEndian(expected, dir.resolve("expected.f4")).toString());
    assertEquals("(5, 203, 230) float32 uint8 ['z', 'y', 'x']\n0.0", seen.strip());
  }

  private static final Path PYTHON = Path.of("/usr/bin/python3");

  private static String python(String script, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(PYTHON.toString(), "-c", script));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), output);
    return output;
  }

  private static Path bigEndian(float[] values, Path file) throws Exception {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 4);
    for (float v : values) {
      buffer.putFloat(v);
    }
    Files.write(file, buffer.array());
    return file;
  }

  /** A further output that records what it is given: the hook instance segmentation plugs into. */
  static final class Recorder implements BlockOutput {
    static final ConcurrentLinkedQueue<BlockResult> SEEN = new ConcurrentLinkedQueue<>();

    @Override
    public int[] halo() {
      return new int[] {1, 24, 16};
    }

    @Override
    public boolean complete(BlockGrid.Box block) {
      return false;
    }

    @Override
    public void accept(BlockResult result) {
      SEEN.add(result);
    }
  }

  @Test
  void aBlockOutputGetsEachBlockWithAHaloThatAgreesWithItsNeighbours() {
    Path model = TinyModels.valid();
    String zarr = zarrInput(new int[] {1, 64, 64});
    Path out = dir.resolve("out.zarr");
    Recorder.SEEN.clear();
    VolumeRequest request = new VolumeRequest(zarr, out.toString(), null, null, model, new OverlapTile.Plan(1024, 1),
        new int[] {0, 3}, new VolumeJob.Runtime(0, "cpu", RuntimeConfig.Precision.FP32),
        null, new int[] {2, 128, 128}, "standard", false, 2, null, VolumeRequest.EngineKind.LOCAL, null, Map.of(),
        List.of("test"), List.of(job -> new Recorder()), null);
    VolumePrediction.Summary summary = VolumePrediction.run(request, new PrintStream(
        OutputStream.nullOutputStream()), false);
    assertEquals(3 * 2 * 2, summary.predicted());
    assertEquals(12, Recorder.SEEN.size());
    float[] volume = VolumeFixtures.read(out.resolve("probabilities").toString());
    for (BlockResult r : Recorder.SEEN) {
      BlockGrid.Box e = r.extended();
      assertTrue(e.contains(r.block()));
      assertEquals(Math.min(DEPTH, r.block().z() + r.block().depth() + 1) - Math.max(0, r.block().z() - 1), e.depth());
      for (long z = e.z(); z < e.z() + e.depth(); z++) {
        float[] p = r.probabilities(z, e);
        for (int y = 0; y < e.height(); y++) {
          for (int x = 0; x < e.width(); x++) {
            float written = volume[(int) ((z * HEIGHT + e.y() + y) * WIDTH + e.x() + x)];
            assertEquals(written, p[(y * e.width() + x) * 2 + 1], 1e-5f, "halo voxel " + z + "," + y + "," + x);
          }
        }
      }
    }
    assertFalse(Recorder.SEEN.isEmpty());
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
