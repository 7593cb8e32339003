package org.unettf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unettf.Isbi;
import org.unettf.TestData;
import org.unettf.train.Checkpoints;
import org.unettf.train.EventFiles;

/** Interruption, divergence, unwritable outputs and oversized tiles, through the real CLI. */
@Isbi
class RobustnessTest {
  @TempDir
  Path dir;

  private Path config(String name, String model, String train) throws Exception {
    return config(name, model, train, "");
  }

  /** A config on the ISBI stacks, with {@code more} sections appended. */
  private Path config(String name, String model, String train, String more) throws Exception {
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(file, "model: " + model + "\ntile: {size: 124}\ntrain: " + train + "\n"
        + "data: {images: " + TestData.volume() + ", labels: " + TestData.labels() + "}\n"
        + "output: {dir: " + dir.resolve("runs") + ", name: " + name + "}\n" + more);
    return file;
  }

  @Test
  void sigtermCheckpointsAndTheRunResumes() throws Exception {
    Path config = config("long", "{depth: 3, filters: 4}",
        "{steps: 400, batch: 1, summary_every: 10, validate_every: 1000, checkpoint_every: 1000}");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "org.unettf.cli.Main",
        "train", config.toString()).redirectErrorStream(true).start();
    StringBuilder log = new StringBuilder();
    BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream()));
    String line;
    while ((line = reader.readLine()) != null) {
      log.append(line).append('\n');
      if (line.startsWith("step 30/400")) {
        // Process.destroy would also close our end of the pipe; send the signal itself.
        new ProcessBuilder("kill", "-TERM", String.valueOf(p.pid())).start().waitFor();
      }
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(143, p.exitValue(), log.toString());
    Path run = dir.resolve("runs").resolve("long");
    assertTrue(log.toString().contains("stopped by SIGTERM at step"), log.toString());
    assertTrue(log.toString().contains("resume with: java -jar target/unet-tf.jar train --resume " + run), log.toString());
    Path checkpoint = new Checkpoints(run.resolve("checkpoints"), 3).latest().orElseThrow();
    long step = Checkpoints.state(checkpoint).step();
    assertTrue(step >= 30 && step < 400, "stopped at " + step);
    assertFalse(EventFiles.scalars(EventFiles.read(run.resolve("logs/train")), "loss").isEmpty(), "logs flushed");
    assertFalse(Files.exists(run.resolve("savedmodel")), "no export of an unfinished run");

    Cli resumed = Cli.run("train", "--resume", run.toString());
    assertEquals(0, resumed.code(), resumed.err());
    assertTrue(resumed.out().contains("resumed " + checkpoint + " at step " + step), resumed.out());
    assertTrue(Files.exists(run.resolve("savedmodel/unet/1/saved_model.pb")));

    Cli again = Cli.run("train", "--resume", run.toString());
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("the run is complete at step 400"), again.out());
    assertFalse(Files.exists(run.resolve("savedmodel/unet/2")), "nothing new to export");

    Path wider = config("wider", "{depth: 3, filters: 8}", "{steps: 400}");
    Cli refused = Cli.run("train", wider.toString(), "--resume", run.toString());
    assertEquals(2, refused.code());
    assertTrue(refused.errorLine().contains("cannot resume: the config's network differs from the run's in "
        + "model.filters (4 in the run, 8 given)"), refused.err());
  }

  @Test
  void aDivergingRunStopsWithoutExporting() throws Exception {
    Path config = config("nan", "{depth: 3, filters: 4}",
        "{steps: 200, optimizer: momentum, learning_rate: 10, momentum: 0.99, checkpoint_every: 1000, validate_every: 1000}");
    Cli r = Cli.run("train", config.toString());
    assertEquals(6, r.code(), r.out() + r.err());
    String line = r.errorLine();
    Matcher diverged = Pattern.compile("error: training diverged at step (\\d+): the loss is (\\S+) and the gradient "
        + "norm (\\S+), not finite at 10 steps in a row\\. .*").matcher(line);
    assertTrue(diverged.matches(), line);
    long last = Long.parseLong(diverged.group(1));
    for (long s = last - 9; s <= last; s++) {
      assertTrue(r.out().contains("step " + s + ": the loss is "), "step " + s + " reported: " + r.out());
    }
    assertTrue(Stream.of(diverged.group(2), diverged.group(3)).anyMatch(v -> v.matches("-?(NaN|Infinity)")),
        "the loss or the gradient norm is not finite: " + line);
    assertTrue(line.contains("train.learning_rate = 10.0"), line);
    assertTrue(line.contains("No SavedModel was exported"), line);
    assertFalse(Files.exists(dir.resolve("runs/nan/savedmodel")));
    assertTrue(new Checkpoints(dir.resolve("runs/nan/checkpoints"), 3).all().isEmpty(), "no checkpoint of NaN weights");
  }

  @Test
  void anUnwritableOutputFolder() throws Exception {
    Path blocker = Files.writeString(dir.resolve("not-a-folder"), "x");
    Path config = dir.resolve("c.yaml");
    Files.writeString(config, "model: {depth: 3, filters: 4}\ntile: {size: 124}\ntrain: {steps: 2}\n"
        + "data: {images: " + TestData.volume() + ", labels: " + TestData.labels() + "}\n"
        + "output: {dir: " + blocker.resolve("runs") + "}\n");
    Cli r = Cli.run("train", config.toString());
    assertEquals(5, r.code());
    assertTrue(r.errorLine().contains("cannot create run folder " + blocker.resolve("runs")), r.err());
  }

  @Test
  void aGpuThatIsNotThereIsNamed() throws Exception {
    Path config = config("gpu", "{depth: 3, filters: 4}", "{steps: 2}", "runtime: {device: 'gpu:7'}\n");
    Cli r = Cli.run("train", config.toString());
    assertEquals(2, r.code());
    assertTrue(r.errorLine().startsWith("error: runtime.device: gpu:7 requested, but TensorFlow 2."), r.err());
    assertTrue(r.errorLine().contains("sees no such GPU"), r.err());
    assertFalse(Files.exists(dir.resolve("runs")));
  }

  @Test
  void aTileTooLargeForMemoryIsRefusedWithAdvice() throws Exception {
    Path config = dir.resolve("huge.yaml");
    Files.writeString(config, "model: {depth: 5, filters: 64}\ntile: {size: 4060}\ntrain: {steps: 2, batch: 64}\n"
        + "data: {images: " + TestData.volume() + ", labels: " + TestData.labels() + "}\n"
        + "output: {dir: " + dir.resolve("runs") + "}\n");
    Cli r = Cli.run("train", config.toString());
    assertEquals(7, r.code());
    assertTrue(r.errorLine().matches("error: tile.size 4060 with train.batch 64 needs about \\d+\\.\\d GB for a training "
        + "step, but \\d+\\.\\d GB are available; use tile.size \\d+ or less, or a smaller batch"), r.err());
    assertFalse(Files.exists(dir.resolve("runs")));
  }
}
