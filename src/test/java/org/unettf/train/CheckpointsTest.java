package org.unettf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unettf.Isbi;
import org.unettf.TestData;
import org.unettf.config.RunConfig;
import org.unettf.data.Normalization;

@Isbi
class CheckpointsTest {
  @TempDir
  Path dir;

  @Test
  void theNewestKeepStayAndTheBestBesidesThem() throws Exception {
    RunConfig config = TestData.tinyConfig("train: {steps: 10, batch: 1}\n");
    Checkpoints checkpoints = new Checkpoints(dir, 2);
    try (TrainingGraph graph = new TrainingGraph(config, new Normalization(0.5, 0.2))) {
      for (long step = 1; step <= 6; step++) {
        checkpoints.save(graph, new Checkpoints.State(step, step, step == 2 ? 1 : 0, 2), step == 2);
      }
      assertEquals(List.of("step-0000002", "step-0000005", "step-0000006"), names(checkpoints.all()));
      assertEquals("step-0000002", checkpoints.best().orElseThrow().getFileName().toString());
      assertEquals("step-0000006", checkpoints.latest().orElseThrow().getFileName().toString());

      // Saving a step that is already complete keeps the folder as it was.
      Path six = checkpoints.latest().orElseThrow();
      long written = Files.getLastModifiedTime(six.resolve("state.json")).toMillis();
      checkpoints.save(graph, new Checkpoints.State(6, 6, 0, 2), false);
      assertEquals(written, Files.getLastModifiedTime(six.resolve("state.json")).toMillis());
    }
    try (var list = Files.list(dir)) {
      assertEquals(List.of(), list.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList());
    }
  }

  private static List<String> names(List<Path> paths) {
    return paths.stream().map(p -> p.getFileName().toString()).toList();
  }
}
