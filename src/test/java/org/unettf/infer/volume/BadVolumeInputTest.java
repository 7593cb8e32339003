package org.unettf.infer.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.unettf.io.volume.Compression;
import org.unettf.io.volume.DType;
import org.unettf.io.volume.Volumes;

/** What predict says, in one line and with nothing written lost, of volumes and options it cannot use. */
class BadVolumeInputTest {
  private static final int DEPTH = 4;
  private static final int HEIGHT = 120;
  private static final int WIDTH = 100;

  @TempDir
  Path dir;

  private String input() {
    return VolumeFixtures.zarr(dir.resolve("in.zarr").resolve("raw"), VolumeFixtures.isbi(DEPTH, HEIGHT, WIDTH, 0, 0),
        HEIGHT, WIDTH, new int[] {1, 60, 100});
  }

  private TinyModels.Run predict(String input, String output, String... more) {
    return TinyModels.predict(TinyModels.valid(), input, output, more);
  }

  @Test
  void anUnknownCompressorSurfacesFromTheVolumeLayer() throws Exception {
    String input = input();
    Path meta = dir.resolve("in.zarr/raw/.zarray");
    Files.writeString(meta, Files.readString(meta).replaceFirst("\"id\": \"blosc\"", "\"id\": \"lzma\""));
    TinyModels.Run r = predict(input, dir.resolve("out.zarr").toString());
    assertEquals(3, r.code());
    assertTrue(r.errorLine().startsWith("error: --input: " + input + ": compressor 'lzma' is not supported; "
        + "supported: blosc"), r.err());
    assertFalse(Files.exists(dir.resolve("out.zarr")), "nothing is made for an input that cannot be read");
  }

  @Test
  void aMissingOrTruncatedChunkIsNamedAndWhatWasWrittenStays() throws Exception {
    String input = input();
    Path out = dir.resolve("out.zarr");
    Path chunk = dir.resolve("in.zarr/raw/2.1.0");
    byte[] stored = Files.readAllBytes(chunk);
    Files.delete(chunk);
    TinyModels.Run missing = predict(input, out.toString(), "--workers", "1");
    assertEquals(3, missing.code());
    assertEquals("error: --input: " + input + ": chunk file " + input + "/2.1.0 is missing (voxels [2:3, 60:120, "
        + "0:100] of shape [4, 120, 100])", missing.errorLine());
    Files.write(chunk, new byte[] {stored[0], stored[1], stored[2]});
    TinyModels.Run truncated = predict(input, out.toString(), "--workers", "1");
    assertEquals(3, truncated.code());
    assertTrue(truncated.errorLine().startsWith("error: --input: " + input + ": chunk file " + input + "/2.1.0 (voxels "
        + "[2:3, 60:120, 0:100]) is truncated or corrupt: "), truncated.err());
    // The blocks before it are written and stay; mended, the input finishes what is missing.
    assertTrue(Files.exists(out.resolve("probabilities/0.0.0")) && Files.exists(out.resolve("masks/1.0.0")));
    Files.write(chunk, stored);
    TinyModels.Run mended = predict(input, out.toString());
    assertEquals(0, mended.code(), mended.err());
    assertTrue(mended.out().contains("4 block(s) of [1, 120, 100] voxels in chunks of [1, 60, 100]; 2 to predict (2 "
        + "complete already)"), mended.out());
    Path clean = dir.resolve("clean.zarr");
    assertEquals(0, predict(input, clean.toString()).code());
    assertArrayEquals(VolumeFixtures.read(clean.resolve("probabilities").toString()),
        VolumeFixtures.read(out.resolve("probabilities").toString()));
  }

  @Test
  void typesAndShapesTheNetworkCannotTake() {
    String ints = dir.resolve("i.zarr/raw").toString();
    Volumes.create(ints, new long[] {2, 64, 64}, new int[] {1, 64, 64}, DType.INT32, Compression.none(), null).close();
    TinyModels.Run type = predict(ints, dir.resolve("out.zarr").toString());
    assertEquals(3, type.code());
    assertEquals("error: --input: " + ints + " holds int32 voxels; expected uint8, uint16, float32 or float64 "
        + "intensities (convert it, e.g. to uint8 or float32 in [0, 1])", type.errorLine());
    String five = dir.resolve("f.zarr/raw").toString();
    Volumes.create(five, new long[] {2, 2, 2, 64, 64}, new int[] {1, 1, 1, 64, 64}, DType.UINT8, Compression.none(),
        null).close();
    TinyModels.Run rank = predict(five, dir.resolve("out.zarr").toString());
    assertEquals(3, rank.code());
    assertEquals("error: --input: " + five + " has shape [2, 2, 2, 64, 64]; expected [z, y, x] or [c, z, y, x]",
        rank.errorLine());
    assertFalse(Files.exists(dir.resolve("out.zarr")));
  }

  @Test
  void anOutputOfAnotherShapeOrByAnotherToolIsLeftAlone() throws Exception {
    String input = input();
    Path out = dir.resolve("out.zarr");
    assertEquals(0, predict(input, out.toString()).code());
    Map<String, byte[]> before = VolumeFixtures.files(out);
    String other = VolumeFixtures.zarr(dir.resolve("other.zarr").resolve("raw"),
        VolumeFixtures.isbi(DEPTH, HEIGHT, WIDTH + 4, 0, 0), HEIGHT, WIDTH + 4, new int[] {1, 60, 104});
    TinyModels.Run shape = predict(other, out.toString());
    assertEquals(5, shape.code());
    String line = shape.errorLine();
    assertTrue(line.contains("holds a prediction made with other settings (input \"") && line.contains(
        "input_shape [4,120,100] there, [4,120,104] here; chunks [1,60,100] there, [1,60,104] here"), line);
    assertEquals(before.keySet(), VolumeFixtures.files(out).keySet());

    // A group made by someone else, and an array where the group would go.
    Path foreign = dir.resolve("foreign.zarr");
    Volumes.create(foreign.resolve("labels").toString(), new long[] {2, 8, 8}, new int[] {1, 8, 8}, DType.UINT8,
        Compression.none(), null).close();
    TinyModels.Run group = predict(input, foreign.toString());
    assertEquals(5, group.code());
    assertEquals("error: " + foreign + " exists and holds no unet-tf prediction (found .zgroup, labels); choose another "
        + "path or add --overwrite to replace it", group.errorLine());
    assertTrue(Files.exists(foreign.resolve("labels/.zarray")));
    Path array = dir.resolve("array.zarr");
    Volumes.create(array.toString(), new long[] {2, 8, 8}, new int[] {1, 8, 8}, DType.UINT8, Compression.none(),
        null).close();
    TinyModels.Run notGroup = predict(input, array.toString());
    assertEquals(5, notGroup.code());
    assertTrue(notGroup.errorLine().contains(array + " exists and holds no unet-tf prediction (found .zarray)"),
        notGroup.err());
    TinyModels.Run replaced = predict(input, foreign.toString(), "--overwrite");
    assertEquals(0, replaced.code(), replaced.err());
    assertFalse(Files.exists(foreign.resolve("labels")));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--shard 3/3 | --shard: expected K/N with 0 ≤ K < N (SLURM: --array=0-2 and --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT), found '3/3'",
      "--shard 1/0 | --shard: expected K/N with 0 ≤ K < N (SLURM: --array=0-N-1 and --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT), found '1/0'",
      "--shard one/two | --shard: expected K/N (this process's number K from 0 to N-1, of N processes), found 'one/two'",
      "--chunks 1,64 | --chunks: expected three positive sizes z,y,x, found '1,64'",
      "--block 0,60,100 | --block: expected three positive sizes z,y,x, found '0,60,100'",
      "--block 1,50,100 | --block: expected multiples of the output chunks [1, 60, 100], found [1, 50, 100]",
      "--compression lzma | --compression: unknown compression 'lzma'; expected zstd, gzip, blosc-lz4, blosc-zstd or none, optionally with a level as in zstd:5",
      "--workers 0 | --workers: expected a number of blocks at a time ≥ 1, found 0",
      "--master local[2] | --master is for --engine spark"})
  void optionsThatCannotWork(String option, String message) {
    String[] parts = option.split(" ");
    TinyModels.Run r = predict(input(), dir.resolve("out.zarr").toString(), parts);
    assertEquals(2, r.code(), r.err());
    assertEquals("error: " + message, r.errorLine());
    assertFalse(Files.exists(dir.resolve("out.zarr")));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "out.zarr | --overlays x | --overlays: PNG overlays are written beside TIFF outputs only; for a volume, open OUT in napari or Fiji instead",
      "out.zarr | --masks m.tif | --masks: a Zarr output holds its masks itself (OUT/masks); --masks names the masks TIFF beside a .tif output",
      "out.tif | --shard 0/2 | --shard: shards write one chunked output together; a TIFF stack is written by one process in page order, so write a .zarr or .n5 output",
      "out.tif | --engine spark | --engine spark: executors write chunks of a .zarr or .n5 output; a TIFF stack is written by one process in page order",
      "out.tif | --chunks 1,60,100 | --chunks: a TIFF output is written in whole slices; chunks apply to .zarr and .n5 outputs",
      "out.h5 | --tta 1 | --output: HDF5 is read, not written (no Java HDF5 writer writes chunk by chunk); expected a .zarr or .n5 folder or a .tif file, found OUT",
      "out.png | --tta 1 | --output: cannot tell the format of OUT: expected a .zarr or .n5 folder (a group for probabilities and masks) or a .tif file"})
  void outputsAndOptionsThatDoNotGoTogether(String name, String option, String message) {
    String out = dir.resolve(name).toString();
    TinyModels.Run r = predict(input(), out, option.split(" "));
    assertEquals(2, r.code(), r.err());
    assertEquals("error: " + message.replace("OUT", out), r.errorLine());
    assertFalse(Files.exists(Path.of(out)));
  }
}
