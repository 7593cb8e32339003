package org.unettf.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unettf.TestData;
import org.unettf.io.ImageStack;
import org.unettf.io.StackReader;
import org.unettf.io.volume.Compression;
import org.unettf.io.volume.DType;
import org.unettf.io.volume.Volumes;
import org.unettf.io.volume.WritableVolume;

/**
 * The packaged jar predicting a Zarr volume, killed with SIGKILL mid-volume (twice), then run
 * again: the rerun skips the chunks already complete and ends with the very bytes an uninterrupted
 * run writes. And {@code --engine spark} from the jar, which carries no Spark, says in one line how
 * to run it.
 */
class VolumeKillIT {
  private static final int DEPTH = 40;

  @TempDir
  Path dir;

  @Test
  void aKilledPredictionResumesToTheUninterruptedResult() throws Exception {
    Path model = trainTinyModel();
    String input = input();
    Path full = dir.resolve("full.zarr");
    String[] options = {"--model", model.toString(), "--input", input, "--tta", "2", "--workers", "2"};
    Jar.Result once = Jar.run(concat(new String[] {"predict", "--output", full.toString()}, options));
    assertEquals(0, once.code(), once.output());
    Map<String, byte[]> expected = files(full);
    int chunks = DEPTH * 2;
    assertEquals(chunks, expected.keySet().stream().filter(n -> n.startsWith("probabilities/")).count() - 1);

    Path out = dir.resolve("killed.zarr");
    String[] predict = concat(new String[] {"predict", "--output", out.toString()}, options);
    int killedAt = 0;
    for (int trial = 0; trial < 2; trial++) {
      Process p = Jar.command(List.of(), predict).redirectOutput(File.createTempFile("kill", ".log", dir.toFile()))
          .start();
      // Killed once a further quarter of the chunks is there, so that the volume is well under way.
      int target = (trial + 1) * chunks / 4;
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (p.isAlive() && count(out.resolve("probabilities")) < target && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(p.isAlive(), "the run ended before it could be killed");
      p.destroyForcibly();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      assertEquals(137, p.exitValue());
      killedAt = count(out.resolve("probabilities"));
      assertTrue(killedAt < chunks, killedAt + " of " + chunks + " chunks");
    }
    Jar.Result rerun = Jar.run(predict);
    assertEquals(0, rerun.code(), rerun.output());
    assertTrue(rerun.output().contains("continuing the prediction there"), rerun.output());
    assertTrue(rerun.output().matches("(?s).*; \\d+ to predict \\(\\d+ complete already\\).*"), rerun.output());
    Map<String, byte[]> actual = files(out);
    assertEquals(expected.keySet(), actual.keySet());
    for (String name : expected.keySet()) {
      assertArrayEquals(expected.get(name), actual.get(name), name);
    }
    try (Stream<Path> walk = Files.walk(out)) {
      assertEquals(List.of(), walk.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".partial")).toList(),
          "the rerun removes what the killed runs were writing");
    }
    System.out.printf("kill -9 mid-volume: killed at %d of %d chunks, resumed to the uninterrupted bytes%n", killedAt,
        chunks);
  }

  @Test
  void theSparkEngineWithoutSparkSaysHowToRunIt() throws Exception {
    Jar.Result r = Jar.run("predict", "--input", TestData.volume().toString(), "--output",
        dir.resolve("out.zarr").toString(), "--engine", "spark");
    assertEquals(2, r.code(), r.output());
    assertEquals("error: --engine spark: Apache Spark is not on the class path; run it with spark-submit --class "
        + "org.unettf.cli.Main target/unet-tf.jar predict ... --engine spark, or java -cp "
        + "target/unet-tf.jar:$SPARK_HOME/jars/* org.unettf.cli.Main predict ... --engine spark", r.errorLine());
  }

  private Path trainTinyModel() throws Exception {
    Path config = dir.resolve("tiny.yaml");
    Files.writeString(config, "model: {depth: 3, filters: 8}\ntile: {size: 124}\n"
        + "train: {steps: 4, batch: 1, validate_every: 4, checkpoint_every: 4, summary_every: 2}\n"
        + "data: {images: " + TestData.volume().toAbsolutePath() + ", labels: " + TestData.labels().toAbsolutePath()
        + ", validation_slices: 28-29}\noutput: {dir: " + dir.resolve("runs") + ", name: tiny}\n");
    Jar.Result r = Jar.run("train", config.toString());
    assertEquals(0, r.code(), r.output());
    return dir.resolve("runs/tiny/savedmodel/unet/1");
  }

  /** ISBI's 30 slices and 10 again as a uint8 Zarr array in chunks of half a slice. */
  private String input() {
    ImageStack isbi = StackReader.readImages(TestData.volume(), "x", s -> { });
    String path = dir.resolve("in.zarr").resolve("raw").toString();
    try (WritableVolume v = Volumes.create(path, new long[] {DEPTH, 512, 512}, new int[] {1, 256, 512}, DType.UINT8,
        Compression.zstd(), null)) {
      for (int z = 0; z < DEPTH; z++) {
        float[] slice = isbi.slice(z % isbi.depth());
        for (int half = 0; half < 2; half++) {
          byte[] bytes = new byte[256 * 512];
          for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Math.round(slice[half * bytes.length + i] * 255);
          }
          v.writeChunk(new long[] {z, half, 0}, bytes);
        }
      }
    }
    return path;
  }

  private static int count(Path array) throws Exception {
    if (!Files.isDirectory(array)) {
      return 0;
    }
    try (Stream<Path> list = Files.list(array)) {
      return (int) list.filter(p -> !p.getFileName().toString().startsWith(".")).count();
    }
  }

  /** Visible files and array metadata by relative path; the group's attributes record each run's command and time. */
  private static Map<String, byte[]> files(Path root) throws Exception {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        String name = root.relativize(p).toString();
        if (!p.getFileName().toString().startsWith(".") || name.endsWith("/.zarray")) {
          out.put(name, Files.readAllBytes(p));
        }
      }
    }
    return out;
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
