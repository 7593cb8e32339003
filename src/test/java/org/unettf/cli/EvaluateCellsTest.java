package org.unettf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

  @Test
  void tuningTheInstancesReportsTheBestSettingAndItsOptionsReproduceIt() throws Exception {
    Path report = dir.resolve("tuned");
    Cli r = Cli.run("evaluate", "--images", TestData.volume().toString(), "--labels", TestData.labels().toString(),
        "--slices", "29", "--tune-instances", "--report", report.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("instance settings tried on these slices: 54"), r.out());
    assertTrue(r.out().contains("(the setting used above)"), r.out());
    JsonObject metrics = json(report);
    JsonObject tuning = metrics.getAsJsonObject("instances_tuning");
    JsonObject best = tuning.getAsJsonObject("best");
    JsonObject given = tuning.getAsJsonObject("given");
    assertEquals(54, tuning.get("settings").getAsInt());
    assertEquals(1, best.get("rank").getAsInt());
    // The setting used is one of those tried, and its row is what the cells scored.
    assertEquals(metrics.getAsJsonObject("instances").get("v_rand").getAsDouble(), given.get("v_rand").getAsDouble(),
        1e-12);
    assertEquals(metrics.getAsJsonObject("instances").get("v_info").getAsDouble(), given.get("v_info").getAsDouble(),
        1e-12);
    assertTrue((best.get("v_rand").getAsDouble() + best.get("v_info").getAsDouble())
        >= (given.get("v_rand").getAsDouble() + given.get("v_info").getAsDouble()));
    List<String> csv = Files.readAllLines(report.resolve("instances-tuning.csv"));
    assertEquals(55, csv.size());
    assertTrue(r.out().contains("to use the best: " + best.get("options").getAsString()), r.out());

    // The printed options give the best row's scores.
    List<String> args = new ArrayList<>(List.of("evaluate", "--images", TestData.volume().toString(), "--labels",
        TestData.labels().toString(), "--slices", "29", "--report", dir.resolve("best").toString()));
    args.addAll(List.of(best.get("options").getAsString().split(" ")));
    Cli again = Cli.run(args.toArray(String[]::new));
    assertEquals(0, again.code(), again.err());
    JsonObject cells = json(dir.resolve("best")).getAsJsonObject("instances");
    assertEquals(best.get("v_rand").getAsDouble(), cells.get("v_rand").getAsDouble(), 1e-12);
    assertEquals(best.get("v_info").getAsDouble(), cells.get("v_info").getAsDouble(), 1e-12);

    Cli both = Cli.run("evaluate", "--segments", TestData.labels().toString(), "--images", "unused", "--labels",
        TestData.labels().toString(), "--tune-instances", "--report", dir.resolve("both").toString());
    assertEquals(2, both.code(), both.err());
    assertTrue(both.err().contains("--tune-instances"), both.err());
    Cli bad = Cli.run("evaluate", "--images", TestData.volume().toString(), "--labels", TestData.labels().toString(),
        "--merge-within", "1.5", "--report", dir.resolve("bad").toString());
    assertEquals(2, bad.code(), bad.err());
    assertEquals(1, bad.err().strip().lines().count(), bad.err());
    assertTrue(bad.err().contains("--merge-within") && bad.err().contains("1.5"), bad.err());
    assertTrue(Files.notExists(dir.resolve("bad")) && Files.notExists(dir.resolve("both")));
  }

  private static JsonObject json(Path report) throws Exception {
    return RunInfo.gson().fromJson(Files.readString(report.resolve("metrics.json")), JsonObject.class);
  }
}
