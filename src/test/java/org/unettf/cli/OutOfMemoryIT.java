package org.unettf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unettf.TestData;

/** Running out of Java heap ends in one line and exit 7, with the fix named, and leaves no output. */
class OutOfMemoryIT {
  @TempDir
  Path dir;

  @Test
  void trainingOnTooSmallAHeap() throws Exception {
    Path config = dir.resolve("c.yaml");
    Files.writeString(config, "model: {depth: 3, filters: 4}\ntile: {size: 124}\ntrain: {steps: 5}\n"
        + "data: {images: " + TestData.volume().toAbsolutePath() + ", labels: " + TestData.labels().toAbsolutePath()
        + "}\noutput: {dir: " + dir.resolve("runs") + ", name: r}\n");
    Jar.Result r = Jar.run(List.of("-Xmx40m"), "train", config.toString());
    assertEquals(7, r.code(), r.output());
    String line = r.errorLine();
    assertTrue(line.startsWith("error: out of Java heap memory ("), line);
    assertTrue(line.contains("java -Xmx8g -jar"), line);
    assertTrue(line.contains("tile.size or train.batch"), line);
    assertFalse(Files.exists(dir.resolve("runs").resolve("r")), "no run folder is left");
  }
}
