package org.unettf.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.types.TFloat32;
import org.unettf.Isbi;
import org.unettf.TestData;
import org.unettf.config.RunConfig;
import org.unettf.config.RuntimeConfig;
import org.unettf.data.OverlapTile;
import org.unettf.io.ImageStack;
import org.unettf.io.StackReader;
import org.unettf.model.Tensors;
import org.unettf.numerics.Mirror;

/**
 * Exports hold the plain graph; predict runs the same network rebuilt in the form this runtime
 * runs fastest, from the export's variables. Both must give the SavedModel's own answer.
 */
@Isbi
class RebuiltPredictorTest {
  private static final RuntimeConfig FP32_CPU = new RuntimeConfig(0, 0, "cpu", 1, RuntimeConfig.Precision.FP32, true);

  @TempDir
  Path dir;

  @Test
  void theRebuiltCpuGraphGivesTheExportedGraphsProbabilities() throws Exception {
    // Five levels of 16 filters reach 256 × 256 channels, where the CPU form runs on row halves.
    RunConfig config = TestData.withIsbi("model: {depth: 5, filters: 16}\ntile: {size: 188}\ntrain: {steps: 1}\n");
    Untrained untrained = Untrained.save(config, dir);
    String checkpoint = untrained.checkpoint();
    ModelCard card = untrained.card().withCalibration(new double[] {2.0, 0.7});
    Path fixed = Exporter.export(card, checkpoint, dir.resolve("fixed"), 1, FP32_CPU);
    Path anySize = Exporter.export(card, checkpoint, dir.resolve("any"), 1, FP32_CPU, true);

    ImageStack volume = StackReader.readImages(TestData.volume(), "x", s -> { });
    int edge = 188 + 16 * 3;
    float[] tile = Mirror.crop(volume.slice(3), 512, 512, 40, 70, edge, edge);
    float[] exported;
    try (SavedModelBundle bundle = SavedModelBundle.load(fixed.toString(), "serve");
        TFloat32 in = Tensors.floats(tile, 1, edge, edge, 1);
        Result out = bundle.call(Map.of("image", in))) {
      exported = Tensors.read((TFloat32) out.get("probabilities").orElseThrow());
    }
    try (SavedModelPredictor rebuilt = SavedModelPredictor.load(fixed, FP32_CPU)) {
      assertTrue(rebuilt.rebuilt());
      assertArrayEquals(exported, rebuilt.predict(tile, 1, edge), 1e-5f);
    }

    // A bioimage.io package's SavedModel serves its any-size head as serving_default: tiling
    // still runs the tiling head, and the slice comes out as from the ordinary export.
    float[] slice = volume.slice(4);
    try (SavedModelPredictor a = SavedModelPredictor.load(fixed, FP32_CPU);
        SavedModelPredictor b = SavedModelPredictor.load(anySize, RuntimeConfig.defaults())) {
      float[] expected = OverlapTile.predict(slice, 512, 512, card.model(), a, OverlapTile.Plan.onePass());
      assertArrayEquals(expected, OverlapTile.predict(slice, 512, 512, card.model(), b, new OverlapTile.Plan(300, 2)),
          1e-5f);
    }
  }
}
