package org.unettf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unettf.TestData;
import org.unettf.infer.SavedModelPredictor;
import org.unettf.config.RuntimeConfig;
import org.unettf.train.Checkpoints;

/**
 * kill -9 at random moments of training (and so of checkpoint writing, which with a checkpoint
 * every step takes most of its time), of export and of predict, with the packaged jar. After every
 * kill the artefacts written before are intact; training resumes from the last complete
 * checkpoint; temporaries are never taken for artefacts and are gone after the next run.
 */
class KillTrialsIT {
  private static final int KEEP = 2;
  private final Random random = new Random(2012);
  private int trials;
  private int faults;
  private final List<String> lost = new ArrayList<>();

  @TempDir
  Path dir;

  @Test
  void killedAtRandomMomentsNothingIsLost() throws Exception {
    Path config = dir.resolve("kill.yaml");
    Files.writeString(config, "model: {depth: 3, filters: 4}\ntile: {size: 124}\n"
        + "train: {steps: 400, batch: 1, summary_every: 5, validate_every: 50, checkpoint_every: 1, keep_checkpoints: "
        + KEEP + "}\ndata: {images: " + TestData.volume().toAbsolutePath() + ", labels: "
        + TestData.labels().toAbsolutePath() + ", validation_slices: 27-29}\n"
        + "output: {dir: " + dir.resolve("runs") + ", name: r}\n");
    Path run = dir.resolve("runs").resolve("r");

    for (int i = 0; i < 10; i++) {
      trainingTrial(config, run);
    }
    Jar.Result finish = Jar.run("train", "--resume", run.toString());
    assertEquals(0, finish.code(), finish.output());
    assertEquals(400, Checkpoints.state(new Checkpoints(run.resolve("checkpoints"), KEEP).latest().orElseThrow()).step());
    assertEquals(List.of(), partials(run), "a finished run leaves no temporaries");

    Path base = dir.resolve("exported");
    long t0 = System.nanoTime();
    Jar.Result first = Jar.run("export", "--run", run.toString(), "--output", base.toString());
    int exportMillis = (int) ((System.nanoTime() - t0) / 1_000_000);
    assertEquals(0, first.code(), first.output());
    for (int i = 0; i < 5; i++) {
      exportTrial(run, base, exportMillis);
    }
    Jar.Result again = Jar.run("export", "--run", run.toString(), "--output", base.toString());
    assertEquals(0, again.code(), again.output());
    assertEquals(List.of(), partials(base), "the next export cleans what killed exports left");
    for (Path version : versions(base)) {
      try (SavedModelPredictor model = SavedModelPredictor.load(version, RuntimeConfig.defaults())) {
        assertEquals(2, model.card().model().classes());
      }
    }

    Path output = dir.resolve("predicted").resolve("p.tif");
    String[] predict = {"predict", "--model", base.resolve("1").toString(), "--input", TestData.volume().toString(),
        "--output", output.toString(), "--tta", "8"};
    t0 = System.nanoTime();
    Jar.Result once = Jar.run(predict);
    int predictMillis = (int) ((System.nanoTime() - t0) / 1_000_000);
    assertEquals(0, once.code(), once.output());
    for (int i = 0; i < 5; i++) {
      predictTrial(predict, output.getParent(), predictMillis);
    }
    Jar.Result last = Jar.run(predict);
    assertEquals(0, last.code(), last.output());
    assertEquals(List.of(), partials(output.getParent()), "the next predict cleans what killed ones left");

    System.out.printf("kill -9: %d trials, %d faults injected (killed while running), %d artefacts lost%n", trials,
        faults, lost.size());
    assertTrue(trials >= 20);
    assertTrue(faults >= 15, faults + " of " + trials + " kills found the process still running");
    assertEquals(List.of(), lost);
  }

  private void trainingTrial(Path config, Path run) throws Exception {
    Checkpoints checkpoints = new Checkpoints(run.resolve("checkpoints"), KEEP);
    Optional<Path> before = checkpoints.latest();
    Map<String, String> beforeFiles = before.isPresent() ? hashes(before.get()) : Map.of();
    long beforeStep = before.isPresent() ? Checkpoints.state(before.get()).step() : 0;
    boolean resume = Files.isRegularFile(run.resolve("config.yaml"));
    String log = kill(resume ? new String[] {"train", "--resume", run.toString()} : new String[] {"train",
        config.toString()}, 2500 + random.nextInt(3000));
    if (resume && before.isPresent() && log.contains("resumed ")) {
      assertTrue(log.contains("resumed " + before.get() + " at step " + beforeStep), log);
    }
    if (!Files.exists(run)) {
      return;
    }
    assertTrue(Files.isRegularFile(run.resolve("config.yaml")), "a run folder appears complete or not at all");
    List<Path> complete = checkpoints.all();
    for (Path c : complete) {
      Checkpoints.state(c);
      assertTrue(Files.size(c.resolve("ckpt.index")) > 0 && Files.isRegularFile(c.resolve("ckpt.data-00000-of-00001")));
    }
    if (before.isPresent()) {
      if (Files.exists(before.get())) {
        count(hashes(before.get()).equals(beforeFiles), "checkpoint " + before.get() + " changed");
      } else {
        // Pruned, which is allowed only once KEEP newer complete checkpoints exist.
        long newer = complete.stream().filter(c -> c.getFileName().toString()
            .compareTo(before.get().getFileName().toString()) > 0).count();
        count(newer >= KEEP, "checkpoint " + before.get() + " pruned with only " + newer + " newer");
      }
    }
  }

  private void exportTrial(Path run, Path base, int uninterruptedMillis) throws Exception {
    Map<Path, Map<String, String>> before = new TreeMap<>();
    for (Path v : versions(base)) {
      before.put(v, hashes(v));
    }
    kill(new String[] {"export", "--run", run.toString(), "--output", base.toString()}, during(uninterruptedMillis));
    for (Map.Entry<Path, Map<String, String>> v : before.entrySet()) {
      count(Files.isDirectory(v.getKey()) && hashes(v.getKey()).equals(v.getValue()), "export " + v.getKey() + " changed");
    }
    for (Path v : versions(base)) {
      count(Files.isRegularFile(v.resolve("saved_model.pb")) && Files.isRegularFile(v.resolve("variables")
          .resolve("variables.index")) && Files.isRegularFile(v.resolve("assets.extra").resolve("unet-tf.json")),
          "export " + v + " incomplete");
    }
  }

  private void predictTrial(String[] predict, Path folder, int uninterruptedMillis) throws Exception {
    Map<String, String> before = hashes(folder);
    kill(predict, during(uninterruptedMillis));
    count(hashes(folder).equals(before), "predict outputs in " + folder + " changed");
  }

  /**
   * A random moment between 30% and 90% of the time the command took uninterrupted, so that the
   * kills land in its work however fast the machine runs today.
   */
  private int during(int millis) {
    return (int) (millis * (0.3 + 0.6 * random.nextDouble()));
  }

  /** Starts the jar, kills it with SIGKILL after {@code millis}, and returns what it printed. */
  private String kill(String[] args, int millis) throws Exception {
    File log = File.createTempFile("kill", ".log", dir.toFile());
    Process p = Jar.command(List.of(), args).redirectOutput(log).start();
    boolean ended = p.waitFor(millis, TimeUnit.MILLISECONDS);
    trials++;
    if (!ended) {
      p.destroyForcibly();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      // A command may end on its own between the wait and the kill; only a killed one is a fault.
      if (p.exitValue() != 0) {
        assertEquals(137, p.exitValue());
        faults++;
      }
    }
    return Files.readString(log.toPath(), StandardCharsets.UTF_8);
  }

  private void count(boolean intact, String what) {
    if (!intact) {
      lost.add("trial " + trials + ": " + what);
    }
  }

  private static List<Path> versions(Path base) throws IOException {
    try (Stream<Path> list = Files.list(base)) {
      return list.filter(p -> p.getFileName().toString().matches("\\d+")).sorted().toList();
    }
  }

  /** Visible files' SHA-256 by relative path; hidden temporaries are no artefacts. */
  private static Map<String, String> hashes(Path folder) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        String relative = folder.relativize(p).toString();
        if (!relative.startsWith(".") && !relative.contains("/.")) {
          out.put(relative, hex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
        }
      }
    }
    return out;
  }

  private static List<String> partials(Path folder) throws IOException {
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".partial")).toList();
    }
  }

  private static String hex(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    for (byte b : bytes) {
      out.append(String.format("%02x", b));
    }
    return out.toString();
  }
}
