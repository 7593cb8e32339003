package org.unettf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unettf.Isbi;
import org.unettf.TestData;
import org.unettf.config.RuntimeConfig;
import org.unettf.data.OverlapTile;
import org.unettf.infer.CellInstances;
import org.unettf.infer.SavedModelPredictor;
import org.unettf.io.ImageStack;
import org.unettf.io.StackReader;
import org.unettf.io.volume.Compression;
import org.unettf.io.volume.DType;
import org.unettf.io.volume.Volumes;
import org.unettf.io.volume.WritableVolume;
import org.unettf.numerics.Instances;
import org.unettf.train.RunInfo;

/** evaluate scores the model's cells as objects, and a label stack made elsewhere the same way. */
@Isbi
class EvaluateCellsTest {
  @TempDir
  Path dir;

  @Test
  void theModelsInstancesAndTheSameLabelsGivenAsSegmentsScoreAlike() throws Exception {
    Path report = dir.resolve("model");
    Cli r = Cli.run("evaluate", "--images", TestData.volume().toString(), "--labels", TestData.labels().toString(),
        "--slices", "28-29", "--report", report.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("cells (the model's instances), scored as they are"), r.out());
    JsonObject instances = json(report).getAsJsonObject("instances");
    assertEquals(2, instances.getAsJsonArray("slices").size());
    assertTrue(Files.isRegularFile(report.resolve("cells-028.png")));

    // The same cells, computed here and written as a uint32 stack of all 30 slices.
    ImageStack volume = StackReader.readImages(TestData.volume(), "x", s -> { });
    Path labels = dir.resolve("cells.tif");
    try (SavedModelPredictor model = SavedModelPredictor.load(Path.of("savedmodel", "isbi2012"), RuntimeConfig.defaults());
        WritableVolume out = Volumes.create(labels.toString(), new long[] {30, 512, 512}, new int[] {1, 512, 512},
            DType.UINT32, Compression.standard(), Map.of())) {
      for (int z = 0; z < 30; z++) {
        int[] cells = new int[512 * 512];
        if (z == 28 || z == 29) {
          float[] p = OverlapTile.predict(volume.slice(z), 512, 512, model.card().model(), model,
              OverlapTile.Plan.onePass());
          cells = CellInstances.of(p, 2, 512, 512, Instances.Parameters.defaults());
        }
        out.writeChunk(new long[] {z, 0, 0}, cells);
      }
      out.commit();
    }
    Path given = dir.resolve("given");
    Cli s = Cli.run("evaluate", "--segments", labels.toString(), "--images", "unused", "--labels",
        TestData.labels().toString(), "--slices", "28-29", "--report", given.toString());
    assertEquals(0, s.code(), s.err());
    JsonObject segments = json(given);
    assertEquals(instances.get("v_rand").getAsDouble(), segments.get("v_rand").getAsDouble(), 1e-9);
    assertEquals(instances.get("v_info").getAsDouble(), segments.get("v_info").getAsDouble(), 1e-9);

    Cli wrong = Cli.run("evaluate", "--segments", TestData.volume().toString(), "--images", "unused", "--labels",
        dir.resolve("missing.tif").toString(), "--report", dir.resolve("w").toString());
    assertEquals(3, wrong.code(), wrong.err());
  }

  private static JsonObject json(Path report) throws Exception {
    return RunInfo.gson().fromJson(Files.readString(report.resolve("metrics.json")), JsonObject.class);
  }
}
