package org.unettf.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unettf.Isbi;
import org.unettf.TestData;
import org.unettf.config.RunConfig;
import org.unettf.config.RuntimeConfig;
import org.unettf.data.OverlapTile;
import org.unettf.io.StackReader;

/** An export whose weights exceed the shard size holds them in several files, and predicts as one that does not. */
@Isbi
class VariableShardsTest {
  private static final RuntimeConfig FP32_CPU = new RuntimeConfig(0, 0, "cpu", 1, RuntimeConfig.Precision.FP32, true);

  @TempDir
  Path dir;

  @Test
  void shardedVariablesHoldTheSameWeights() throws Exception {
    RunConfig config = TestData.withIsbi("model: {depth: 3, filters: 8}\ntile: {size: 92}\ntrain: {steps: 1}\n");
    Untrained untrained = Untrained.save(config, dir);
    String checkpoint = untrained.checkpoint();
    ModelCard card = untrained.card();
    Path whole = Exporter.export(card, checkpoint, dir.resolve("whole"), 1, FP32_CPU);
    List<Path> one = dataFiles(whole);
    assertEquals(List.of("variables.data-00000-of-00001"), one.stream().map(p -> p.getFileName().toString()).toList());
    long bytes = Files.size(one.get(0));

    long limit = bytes / 2;
    Path sharded = Exporter.export(card, checkpoint, dir.resolve("sharded"), 1, FP32_CPU, false, limit);
    List<Path> shards = dataFiles(sharded);
    int n = shards.size();
    assertTrue(n >= 2, "half the bytes per shard makes two shards or more, not " + n);
    long total = 0;
    for (int i = 0; i < n; i++) {
      assertEquals(String.format("variables.data-%05d-of-%05d", i, n), shards.get(i).getFileName().toString());
      assertTrue(Files.size(shards.get(i)) <= limit, shards.get(i) + " holds " + Files.size(shards.get(i)) + " bytes");
      total += Files.size(shards.get(i));
    }
    assertEquals(bytes, total, "the shards hold the single file's bytes");
    assertFalse(Files.exists(sharded.resolve("variables").resolve("variables_temp")), "no temporary shards left");

    float[] slice = StackReader.readImages(TestData.volume(), "x", s -> { }).slice(5);
    try (SavedModelPredictor a = SavedModelPredictor.load(whole, FP32_CPU);
        SavedModelPredictor b = SavedModelPredictor.load(sharded, FP32_CPU)) {
      float[] expected = OverlapTile.predict(slice, 512, 512, card.model(), a, OverlapTile.Plan.onePass());
      assertArrayEquals(expected, OverlapTile.predict(slice, 512, 512, card.model(), b, OverlapTile.Plan.onePass()));
    }
  }

  /** The data files of a SavedModel version folder's checkpoint, by name. */
  private static List<Path> dataFiles(Path version) throws Exception {
    try (Stream<Path> files = Files.list(version.resolve("variables"))) {
      return files.filter(f -> f.getFileName().toString().startsWith("variables.data-")).sorted().toList();
    }
  }
}
