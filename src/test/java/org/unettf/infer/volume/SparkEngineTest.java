package org.unettf.infer.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark engine writes what the in-process engine writes, byte for byte: on {@code local[2]}
 * and on a real standalone cluster of a master and two workers, each a JVM of its own. A master
 * that does not answer is reported at once; a task's own failure as the one line it would be here.
 */
class SparkEngineTest {
  private static final int DEPTH = 6;
  private static final int HEIGHT = 150;
  private static final int WIDTH = 170;

  @TempDir
  Path dir;

  private String input() {
    return VolumeFixtures.zarr(dir.resolve("in.zarr").resolve("raw"), VolumeFixtures.isbi(DEPTH, HEIGHT, WIDTH, 7, 300),
        HEIGHT, WIDTH, new int[] {1, 75, 170});
  }

  private static String[] args(String input, Path output, List<String> more) {
    List<String> args = new ArrayList<>(List.of("predict", "--model", TinyModels.valid().toString(), "--input", input,
        "--output", output.toString(), "--tta", "2"));
    args.addAll(more);
    return args.toArray(String[]::new);
  }

  private static void assertSameFiles(Path expected, Path actual) throws Exception {
    Map<String, byte[]> a = VolumeFixtures.files(expected);
    Map<String, byte[]> b = VolumeFixtures.files(actual);
    assertEquals(a.keySet(), b.keySet());
    for (String name : a.keySet()) {
      assertArrayEquals(a.get(name), b.get(name), name);
    }
  }

  @Test
  void localSparkWritesWhatTheInProcessEngineWrites() throws Exception {
    String input = input();
    Path local = dir.resolve("local.zarr");
    TinyModels.Run here = TinyModels.cli(args(input, local, List.of()));
    assertEquals(0, here.code(), here.err());
    Path spark = dir.resolve("spark.zarr");
    TinyModels.Run r = TinyModels.cli(args(input, spark, List.of("--engine", "spark", "--master", "local[2]",
        "--spark-conf", "spark.ui.enabled=false", "--spark-conf", "spark.driver.host=127.0.0.1", "--spark-conf",
        "spark.driver.bindAddress=127.0.0.1")));
    assertEquals(0, r.code(), r.err() + r.out());
    assertTrue(r.out().contains("spark: master local[2]"), r.out());
    assertSameFiles(local, spark);

    // A missing input chunk fails the task; the driver reports it as the one line the local engine gives.
    Files.delete(dir.resolve("in.zarr/raw/3.1.0"));
    TinyModels.Run missing = TinyModels.cli(args(input, dir.resolve("again.zarr"), List.of("--engine", "spark",
        "--master", "local[2]", "--spark-conf", "spark.ui.enabled=false", "--spark-conf",
        "spark.driver.host=127.0.0.1", "--spark-conf", "spark.driver.bindAddress=127.0.0.1")));
    assertEquals(3, missing.code(), missing.err());
    assertEquals("error: --input: " + input + ": chunk file " + input + "/3.1.0 is missing (voxels [3:4, 75:150, "
        + "0:170] of shape [6, 150, 170])", missing.errorLine());
  }

  @Test
  void aMasterThatDoesNotAnswerIsReportedAtOnce() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    long t0 = System.nanoTime();
    TinyModels.Run r = TinyModels.cli(args(input(), dir.resolve("out.zarr"), List.of("--engine", "spark", "--master",
        "spark://127.0.0.1:" + port)));
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertEquals(2, r.code(), r.err());
    assertTrue(r.errorLine().startsWith("error: --master spark://127.0.0.1:" + port + ": no Spark master answers at "
        + "127.0.0.1:" + port + " ("), r.err());
    assertTrue(r.errorLine().endsWith("; start the master (sbin/start-master.sh) or correct the URL"), r.err());
    assertTrue(seconds < 15, seconds + " s");
  }

  @Test
  void aStandaloneClusterOfTwoWorkersWritesWhatTheInProcessEngineWrites() throws Exception {
    String input = input();
    Path local = dir.resolve("local.zarr");
    Path spark = dir.resolve("cluster.zarr");
    // Blocks of half slices, with their cells linked through z: the executors write the cells'
    // parts, the driver stitches them.
    List<String> cells = List.of("--block", "1,75,170", "--instances-3d", "--seed-threshold", "0.84");
    List<String> here = new ArrayList<>(cells);
    here.addAll(List.of("--instances", local.toString()));
    assertEquals(0, TinyModels.cli(args(input, local, here)).code());
    List<ProcessHandle> left;
    try (SparkCluster cluster = SparkCluster.start(Files.createTempDirectory("unet-tf-spark-home"), 2, 1)) {
      List<String> more = new ArrayList<>(List.of("--engine", "spark", "--master", cluster.url(), "--instances",
          spark.toString()));
      more.addAll(cells);
      more.addAll(cluster.driverSettings());
      TinyModels.Run r = TinyModels.cli(args(input, spark, more));
      assertEquals(0, r.code(), r.err() + r.out());
      assertTrue(r.out().contains("spark: master " + cluster.url() + ", default parallelism 2"), r.out());
      left = cluster.running();
    }
    assertSameFiles(local, spark);
    assertTrue(Files.isRegularFile(spark.resolve("instances/.zarray")), "the cells are there");
    for (ProcessHandle p : left) {
      assertTrue(!p.isAlive(), "process " + p.pid() + " (" + p.info().command().orElse("?") + ") still runs");
    }
  }
}
