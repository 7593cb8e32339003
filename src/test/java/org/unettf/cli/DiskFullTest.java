package org.unettf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.unettf.Isbi;
import org.unettf.TestData;
import org.unettf.data.Normalization;
import org.unettf.error.ExitCode;
import org.unettf.error.UserError;
import org.unettf.train.Checkpoints;
import org.unettf.train.TrainingGraph;

/**
 * ENOSPC on a real, small tmpfs: a checkpoint, an export and a prediction that no longer fit each
 * end in one line and exit 5, and what was written before stays intact. Mounting needs root (CI
 * runs as root); elsewhere the test says so and is skipped.
 */
@Isbi
class DiskFullTest {
  private static Path disk;
  private static Path run;

  @BeforeAll
  static void mountASmallDisk() throws Exception {
    disk = Files.createTempDirectory("unet-tf-full");
    Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", disk.toString())
        .redirectErrorStream(true).start();
    String why = new String(mount.getInputStream().readAllBytes()).strip();
    boolean mounted = mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0;
    Assumptions.assumeTrue(mounted, "cannot mount a tmpfs to fill (needs root): " + why + "; disk-full tests skipped");
    Path config = disk.resolve("c.yaml");
    Files.writeString(config, "model: {depth: 3, filters: 4}\ntile: {size: 124}\n"
        + "train: {steps: 4, validate_every: 2, checkpoint_every: 2, summary_every: 1}\n"
        + "data: {images: " + TestData.volume().toAbsolutePath() + ", labels: " + TestData.labels().toAbsolutePath()
        + ", validation_slices: 27-29}\noutput: {dir: " + disk.resolve("runs") + ", name: r}\n");
    Cli trained = Cli.run("train", config.toString());
    assertEquals(0, trained.code(), trained.err());
    run = disk.resolve("runs").resolve("r");
  }

  @AfterAll
  static void unmount() throws Exception {
    if (disk != null) {
      new ProcessBuilder("umount", disk.toString()).start().waitFor(30, TimeUnit.SECONDS);
      Files.deleteIfExists(disk);
    }
  }

  @Test
  void aCheckpointThatDoesNotFit() throws Exception {
    Checkpoints checkpoints = new Checkpoints(run.resolve("checkpoints"), 3);
    Map<String, String> before = hashes(run.resolve("checkpoints"));
    try (TrainingGraph graph = new TrainingGraph(TestData.tinyConfig("train: {steps: 9}\n"),
        new Normalization(0.5, 0.2)); Filler full = new Filler(2_000)) {
      UserError e = Assertions.assertThrows(UserError.class,
          () -> checkpoints.save(graph, new Checkpoints.State(8, 8, 0, 2), false));
      assertEquals(ExitCode.OUTPUT, e.exitCode());
      assertTrue(e.getMessage().startsWith("cannot write checkpoint " + run.resolve("checkpoints/step-0000008")
          + " (disk full"), e.getMessage());
      assertTrue(e.getMessage().endsWith("; the previous checkpoints are intact"), e.getMessage());
    }
    assertEquals(before, hashes(run.resolve("checkpoints")));
  }

  @Test
  void trainingOnAFullDisk() throws Exception {
    Files.writeString(run.resolve("config.yaml"), Files.readString(run.resolve("config.yaml"))
        .replace("  steps: 4\n", "  steps: 400\n"));
    Map<String, String> before = hashes(run.resolve("checkpoints"));
    try (Filler full = new Filler(60_000)) {
      Cli r = Cli.run("train", "--resume", run.toString());
      assertEquals(5, r.code(), r.err());
      assertTrue(r.errorLine().contains("disk full"), r.err());
    }
    Map<String, String> after = hashes(run.resolve("checkpoints"));
    for (String file : before.keySet()) {
      if (file.startsWith("step-")) {
        assertEquals(before.get(file), after.get(file), file + " of the checkpoints written before");
      }
    }
  }

  @Test
  void anExportThatDoesNotFit() throws Exception {
    Path base = run.resolve("savedmodel").resolve("unet");
    Map<String, String> before = hashes(base);
    try (Filler full = new Filler(20_000)) {
      Cli r = Cli.run("export", "--run", run.toString());
      assertEquals(5, r.code(), r.err());
      assertTrue(r.errorLine().matches("error: cannot write SavedModel " + base + "/\\d+ \\(disk full: .*"), r.err());
    }
    assertEquals(before, hashes(base), "earlier versions intact, no new half-written one");
  }

  @Test
  void aPredictionThatDoesNotFit() throws Exception {
    Path output = disk.resolve("p.tif");
    Path masks = disk.resolve("p-masks.tif");
    Files.writeString(output, "earlier probabilities");
    Files.writeString(masks, "earlier masks");
    try (Filler full = new Filler(20_000)) {
      Cli r = Cli.run("predict", "--model", run.resolve("savedmodel/unet").toString(), "--input",
          TestData.volume().toString(), "--output", output.toString());
      assertEquals(5, r.code(), r.err());
      assertTrue(r.errorLine().startsWith("error: cannot write " + output + " (disk full"), r.err());
    }
    assertEquals("earlier probabilities", Files.readString(output));
    assertEquals("earlier masks", Files.readString(masks));
    try (Stream<Path> list = Files.list(disk)) {
      assertEquals(List.of(), list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".partial")).toList());
    }
  }

  /** Takes all but {@code leave} bytes of the disk, and gives them back when closed. */
  private static final class Filler implements AutoCloseable {
    private final Path file = disk.resolve("filler");

    Filler(long leave) throws IOException {
      FileStore store = Files.getFileStore(disk);
      try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
        byte[] block = new byte[4096];
        long left = store.getUsableSpace() - leave;
        while (left > 0) {
          int n = (int) Math.min(block.length, left);
          f.write(block, 0, n);
          left -= n;
        }
      } catch (IOException e) {
        // Filled up before reaching the mark: as full as it gets.
      }
    }

    @Override
    public void close() throws IOException {
      Files.deleteIfExists(file);
    }
  }

  private static Map<String, String> hashes(Path folder) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
        out.put(folder.relativize(p).toString(), HexFormat.of().formatHex(digest));
      }
    }
    return out;
  }
}
