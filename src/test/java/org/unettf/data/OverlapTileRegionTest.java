package org.unettf.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.unettf.config.ModelConfig;
import org.unettf.numerics.Dihedral;

/**
 * A region of a slice predicts what the whole slice predicts there, for both paddings, every flip
 * and turn, and tiles of several sizes. The network is a stand-in with a U-Net's two sensitivities:
 * each output reads a neighbourhood of the input (out to the tile's edge, so same padding's zeros
 * reach into the kept outputs), and it depends on the pixel's place in the tile's pooling grid, so
 * a tile placed off the slice's grid gives different values.
 */
class OverlapTileRegionTest {
  private static final int WIDTH = 71;
  private static final int HEIGHT = 53;

  /** Mean over a square neighbourhood (zeros beyond the tile) plus the pooling-grid phase. */
  static OverlapTile.TileModel standIn(ModelConfig model, int radius) {
    int a = model.alignment();
    return (tiles, count, size) -> {
      int out = model.outputSize(size);
      int offset = (size - out) / 2;
      int channels = model.channels();
      int classes = model.classes();
      float[] result = new float[count * out * out * classes];
      for (int t = 0; t < count; t++) {
        int base = t * size * size * channels;
        for (int i = 0; i < out; i++) {
          for (int j = 0; j < out; j++) {
            double sum = 0;
            for (int dy = -radius; dy <= radius; dy++) {
              for (int dx = -radius; dx <= radius; dx++) {
                int y = i + offset + dy;
                int x = j + offset + dx;
                if (y >= 0 && y < size && x >= 0 && x < size) {
                  for (int c = 0; c < channels; c++) {
                    sum += tiles[base + (y * size + x) * channels + c] * (c + 1);
                  }
                }
              }
            }
            float v = (float) (sum / ((2 * radius + 1) * (2 * radius + 1)) + 0.01 * ((i % a) * a + j % a));
            for (int k = 0; k < classes; k++) {
              result[((t * out + i) * out + j) * classes + k] = v + k;
            }
          }
        }
      }
      return result;
    };
  }

  static float[] image(int channels, long seed) {
    Random random = new Random(seed);
    float[] out = new float[WIDTH * HEIGHT * channels];
    for (int i = 0; i < out.length; i++) {
      out[i] = random.nextFloat();
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(ModelConfig.Padding.class)
  void aRegionPredictsWhatTheWholeSlicePredictsThere(ModelConfig.Padding padding) {
    ModelConfig model = new ModelConfig(3, 4, padding, false, 0, 2, 3);
    // Same padding's zeros reach past the discarded context into the outputs kept.
    int radius = padding == ModelConfig.Padding.SAME ? model.alignment() + 3 : model.margin();
    OverlapTile.TileModel network = standIn(model, radius);
    float[] image = image(3, 1);
    OverlapTile.Pixels whole = OverlapTile.mirrored(image, WIDTH, HEIGHT, 3);
    int[] all = {0, 1, 2, 3, 4, 5, 6, 7};
    List<OverlapTile.Plan> plans = List.of(OverlapTile.Plan.onePass(), new OverlapTile.Plan(48, 3),
        new OverlapTile.Plan(44, 1));
    List<OverlapTile.Region> regions = List.of(OverlapTile.Region.whole(WIDTH, HEIGHT), new OverlapTile.Region(0, 0, 17, 9),
        new OverlapTile.Region(13, 7, 30, 21), new OverlapTile.Region(50, 40, 21, 13), new OverlapTile.Region(3, 1, 1, 1),
        new OverlapTile.Region(0, 29, 71, 5));
    for (OverlapTile.Plan plan : plans) {
      float[] expected = OverlapTile.predictAveraged(image, WIDTH, HEIGHT, model, network, plan, all);
      for (OverlapTile.Region region : regions) {
        OverlapTile.Region window = OverlapTile.window(WIDTH, HEIGHT, region, model, plan, all);
        AtomicInteger reads = new AtomicInteger();
        OverlapTile.Pixels checked = r -> {
          assertTrue(window.contains(r), r + " outside the window " + window);
          reads.incrementAndGet();
          return whole.read(r);
        };
        float[] actual = OverlapTile.predictRegion(checked, WIDTH, HEIGHT, region, model, network, plan, all);
        assertArrayEquals(crop(expected, region, 2), actual, padding + " " + plan + " " + region);
        assertTrue(reads.get() >= all.length);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(ModelConfig.Padding.class)
  void eachTransformAloneAgreesToo(ModelConfig.Padding padding) {
    ModelConfig model = new ModelConfig(3, 4, padding, false, 0, 3, 1);
    OverlapTile.TileModel network = standIn(model, padding == ModelConfig.Padding.SAME ? 6 : model.margin());
    float[] image = image(1, 2);
    OverlapTile.Plan plan = new OverlapTile.Plan(44, 2);
    OverlapTile.Region region = new OverlapTile.Region(9, 22, 37, 19);
    for (int k = 0; k < Dihedral.ORDER; k++) {
      int[] one = {k};
      float[] expected = OverlapTile.predictAveraged(image, WIDTH, HEIGHT, model, network, plan, one);
      float[] actual = OverlapTile.predictRegion(OverlapTile.mirrored(image, WIDTH, HEIGHT, 1), WIDTH, HEIGHT, region,
          model, network, plan, one);
      assertArrayEquals(crop(expected, region, 3), actual, padding + " transform " + k);
    }
  }

  @ParameterizedTest
  @EnumSource(ModelConfig.Padding.class)
  void regionsThatTileTheSliceMakeItWhole(ModelConfig.Padding padding) {
    ModelConfig model = new ModelConfig(3, 4, padding, false, 0, 2, 1);
    OverlapTile.TileModel network = standIn(model, 5);
    float[] image = image(1, 3);
    OverlapTile.Plan plan = new OverlapTile.Plan(52, 1);
    int[] transforms = {0, 5};
    float[] expected = OverlapTile.predictAveraged(image, WIDTH, HEIGHT, model, network, plan, transforms);
    float[] pasted = new float[expected.length];
    List<OverlapTile.Region> pieces = new ArrayList<>();
    for (int y = 0; y < HEIGHT; y += 20) {
      for (int x = 0; x < WIDTH; x += 25) {
        pieces.add(new OverlapTile.Region(x, y, Math.min(25, WIDTH - x), Math.min(20, HEIGHT - y)));
      }
    }
    for (OverlapTile.Region r : pieces) {
      float[] p = OverlapTile.predictRegion(OverlapTile.mirrored(image, WIDTH, HEIGHT, 1), WIDTH, HEIGHT, r, model,
          network, plan, transforms);
      for (int y = 0; y < r.height(); y++) {
        System.arraycopy(p, y * r.width() * 2, pasted, ((r.y() + y) * WIDTH + r.x()) * 2, r.width() * 2);
      }
    }
    assertArrayEquals(expected, pasted);
  }

  @ParameterizedTest
  @EnumSource(ModelConfig.Padding.class)
  void aWindowHoldsTheNetworksHaloAroundTheRegion(ModelConfig.Padding padding) {
    ModelConfig model = new ModelConfig(3, 4, padding, false, 0, 2, 1);
    int context = padding == ModelConfig.Padding.SAME ? model.alignment() : model.margin();
    OverlapTile.Region region = new OverlapTile.Region(20, 10, 30, 30);
    OverlapTile.Region window = OverlapTile.window(WIDTH, HEIGHT, region, model, OverlapTile.Plan.onePass(),
        new int[] {0});
    assertTrue(window.contains(new OverlapTile.Region(20 - context, 10 - context, 30 + 2 * context, 30 + 2 * context)),
        window.toString());
    if (padding == ModelConfig.Padding.VALID) {
      // Origins on the grid move the window's start by less than one grid step.
      assertEquals(20 / model.alignment() * model.alignment() - context, window.x());
    }
  }

  private static float[] crop(float[] whole, OverlapTile.Region r, int classes) {
    float[] out = new float[r.width() * r.height() * classes];
    for (int y = 0; y < r.height(); y++) {
      System.arraycopy(whole, ((r.y() + y) * WIDTH + r.x()) * classes, out, y * r.width() * classes,
          r.width() * classes);
    }
    return out;
  }
}
