package org.unettf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unettf.Isbi;
import org.unettf.TestData;
import org.unettf.config.ConfigLoader;
import org.unettf.config.ModelConfig;
import org.unettf.config.RunConfig;
import org.unettf.model.Flops;
import org.unettf.model.Tuning;
import org.unettf.train.RunInfo;

/** {@code bench} on a tiny network: every figure the README quotes is there and hangs together. */
@Isbi
class BenchTest {
  @Test
  void benchReportsTheNetworkAgainstAnInterleavedMatmul(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("tiny.yaml");
    Files.writeString(config, "model: {depth: 3, filters: 4}\n"
        + "data: {images: " + TestData.volume() + ", labels: " + TestData.labels() + ", validation_slices: 28-29}\n"
        + "tile: {size: 124}\n"
        + "train: {batch: 2}\n"
        + "runtime: {precision: fp32}\n");
    Path json = dir.resolve("bench.json");
    Cli r = Cli.run("bench", config.toString(), "--steps", "3", "--slices", "1", "--json", json.toString());
    assertEquals(0, r.code(), r.err());
    JsonObject results = RunInfo.gson().fromJson(Files.readString(json), JsonObject.class);

    RunConfig loaded = ConfigLoader.load(config);
    ModelConfig model = loaded.model();
    assertEquals(Flops.forward(model, 124) / 1e9, results.get("forward_gflop").getAsDouble(), 1e-9);
    assertEquals(3 * 2 * results.get("forward_gflop").getAsDouble(), results.get("step_gflop").getAsDouble(), 1e-9,
        "a step of batch 2 costs three forward passes per image");
    double step = results.get("train_step_seconds").getAsDouble();
    assertEquals(2 / step, results.get("train_images_per_second").getAsDouble(), 1e-9);
    double gflops = results.get("train_gflops").getAsDouble();
    assertEquals(results.get("step_gflop").getAsDouble() / step, gflops, 1e-6);
    double multiplied = Flops.trainingStepMultiplied(model, 124, 2, Tuning.of(loaded.runtime())) / 1e9;
    assertEquals(multiplied, results.get("step_gflop_multiplied").getAsDouble(), 1e-9);
    assertEquals(multiplied / step, results.get("train_multiplied_gflops").getAsDouble(), 1e-6);
    // The ratio is taken against the matmul timed between the steps, not the one at the start.
    assertEquals(gflops / results.get("train_matmul_gflops").getAsDouble(),
        results.get("train_fraction_of_matmul").getAsDouble(), 1e-9);
    assertTrue(results.get("matmul_gflops").getAsDouble() > 1, results.toString());
    assertTrue(results.get("pipeline_data_wait_ms").getAsDouble() >= 0);
    assertTrue(results.get("end_to_end_fraction_of_bare").getAsDouble() > 0);

    int tile = results.get("inference_tile_px").getAsInt();
    assertTrue(model.outputSize(tile) >= 512, "one tile covers a 512² slice: " + tile);
    assertEquals(1.0, results.get("inference_flops_over_covering_tile").getAsDouble(), 1e-9,
        "one pass of the smallest covering tile");
    assertTrue(results.get("inference_fraction_of_matmul").getAsDouble() > 0);
    assertTrue(results.get("inference_tta8_slices_per_second").getAsDouble()
        < results.get("inference_slices_per_second").getAsDouble(), "eight passes take longer than one");
    assertTrue(results.get("weight_map_ms_per_slice").getAsDouble() > 0);
    assertTrue(results.get("augmentation_samples_per_second_per_thread").getAsDouble() > 0);
    assertTrue(results.get("peak_rss_mb").getAsDouble() > 100);
    for (String runtime : List.of("savedmodel_exported", "savedmodel_rebuilt", "onnx_runtime")) {
      assertTrue(results.get(runtime + "_slices_per_second").getAsDouble() > 0, runtime + ": " + results);
    }
    assertTrue(results.get("instances_ms_per_slice").getAsDouble() > 0);
    assertTrue(r.out().contains("of the matmul rate"), r.out());
  }
}
