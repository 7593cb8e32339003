package org.unettf.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.unettf.config.AugmentConfig;
import org.unettf.numerics.GaussianBlur;
import org.unettf.numerics.Mirror;

class AugmenterTest {
  private static final int W = 96;
  private static final int H = 80;

  /** A smooth random image whose label is its own threshold, so any misalignment shows. */
  private static Slice thresholdSlice() {
    Random random = new Random(5);
    float[] noise = new float[W * H];
    for (int i = 0; i < noise.length; i++) {
      noise[i] = random.nextFloat();
    }
    float[] image = GaussianBlur.blur(noise, W, H, 4);
    float min = Float.MAX_VALUE;
    float max = -Float.MAX_VALUE;
    for (float v : image) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    byte[] labels = new byte[image.length];
    float[] weights = new float[image.length];
    for (int i = 0; i < image.length; i++) {
      image[i] = (image[i] - min) / (max - min);
      labels[i] = (byte) (image[i] > 0.5f ? 1 : 0);
      weights[i] = image[i] * 3;
    }
    return new Slice(0, W, H, image, labels, weights);
  }

  private static AugmentConfig everything() {
    return new AugmentConfig(
        new AugmentConfig.Elastic(1.0, AugmentConfig.Elastic.Mode.GRID, 10, 3, 0, 0),
        new AugmentConfig.Flip(0.5), new AugmentConfig.Rotate90(0.5), new AugmentConfig.Rotate(1.0, 15),
        new AugmentConfig.Shift(0.5, 4), new AugmentConfig.Intensity(0, 0, 0), new AugmentConfig.Noise(0, 0));
  }

  @Test
  void withEverythingOffTilesAreCutFromTheMirroredSlice() {
    Slice slice = thresholdSlice();
    int in = 60;
    int out = 20;
    Augmenter a = new Augmenter(AugmentConfig.none(), in, out);
    SplittableRandom r = new SplittableRandom(9);
    SplittableRandom replay = new SplittableRandom(9);
    Sample s = a.sample(slice, r);
    int ox = replay.nextInt(W - out + 1);
    int oy = replay.nextInt(H - out + 1);
    int margin = (in - out) / 2;
    assertArrayEquals(Mirror.crop(slice.image(), W, H, ox - margin, oy - margin, in, in), s.image());
    assertArrayEquals(Mirror.crop(slice.labels(), W, H, ox, oy, out, out), s.labels());
    assertArrayEquals(Mirror.crop(slice.weights(), W, H, ox, oy, out, out), s.weights());
  }

  @Test
  void imageLabelsAndWeightsMoveTogether() {
    Slice slice = thresholdSlice();
    Augmenter a = new Augmenter(everything(), 60, 60);
    for (int seed = 0; seed < 20; seed++) {
      Sample s = a.sample(slice, new SplittableRandom(seed));
      int agree = 0;
      for (int i = 0; i < s.labels().length; i++) {
        boolean label = s.labels()[i] == 1;
        boolean threshold = s.image()[i] > 0.5f;
        agree += label == threshold ? 1 : 0;
        assertTrue(s.labels()[i] == 0 || s.labels()[i] == 1, "labels stay binary");
        assertEquals(s.image()[i] * 3, s.weights()[i], 1e-4f, "weights follow the image");
      }
      // Nearest-neighbour labels may differ from the bilinear image only on the threshold's edge.
      assertTrue(agree > 0.97 * s.labels().length, "seed " + seed + ": " + agree + " of " + s.labels().length);
    }
  }

  @Test
  void theSameSeedGivesTheSameSampleAndAnotherSeedAnother() {
    Slice slice = thresholdSlice();
    Augmenter a = new Augmenter(everything(), 60, 20);
    Sample one = a.sample(slice, new SplittableRandom(3));
    Sample again = a.sample(slice, new SplittableRandom(3));
    Sample other = a.sample(slice, new SplittableRandom(4));
    assertArrayEquals(one.image(), again.image());
    assertNotEquals(Arrays.hashCode(one.image()), Arrays.hashCode(other.image()));
  }

  @Test
  void elasticDisplacementsHaveTheConfiguredScale() {
    int size = 201;
    AugmentConfig elasticOnly = new AugmentConfig(
        new AugmentConfig.Elastic(1.0, AugmentConfig.Elastic.Mode.GRID, 10, 3, 0, 0),
        new AugmentConfig.Flip(0), new AugmentConfig.Rotate90(0), new AugmentConfig.Rotate(0, 0),
        new AugmentConfig.Shift(0, 0), new AugmentConfig.Intensity(0, 0, 0), new AugmentConfig.Noise(0, 0));
    // The image is its own x coordinate, so the sampled value minus the pixel's x is the displacement.
    float[] ramp = new float[size * size];
    for (int i = 0; i < ramp.length; i++) {
      ramp[i] = i % size + 1000;
    }
    Slice slice = new Slice(0, size, size, ramp, new byte[ramp.length], new float[ramp.length]);
    Augmenter a = new Augmenter(elasticOnly, size, size);
    double sumSq = 0;
    int n = 0;
    for (int seed = 0; seed < 200; seed++) {
      Sample s = a.sample(slice, new SplittableRandom(seed));
      // Grid knots sit at the corners and centre; the centre knot's displacement is N(0, 10²).
      int centre = (size / 2) * size + size / 2;
      double d = s.image()[centre] - ramp[centre];
      sumSq += d * d;
      n++;
    }
    double sigma = Math.sqrt(sumSq / n);
    assertTrue(sigma > 8 && sigma < 12, "displacement std " + sigma + " px, configured 10");
  }

  @Test
  void intensityAugmentationLeavesLabelsAndWeightsAlone() {
    Slice slice = thresholdSlice();
    AugmentConfig intensity = new AugmentConfig(
        new AugmentConfig.Elastic(0, AugmentConfig.Elastic.Mode.GRID, 10, 3, 0, 0),
        new AugmentConfig.Flip(0), new AugmentConfig.Rotate90(0), new AugmentConfig.Rotate(0, 0),
        new AugmentConfig.Shift(0, 0), new AugmentConfig.Intensity(1, 0.2, 0.2), new AugmentConfig.Noise(1, 0.05));
    Sample plain = new Augmenter(AugmentConfig.none(), 40, 40).sample(slice, new SplittableRandom(1));
    Sample jittered = new Augmenter(intensity, 40, 40).sample(slice, new SplittableRandom(1));
    assertArrayEquals(plain.labels(), jittered.labels());
    assertArrayEquals(plain.weights(), jittered.weights());
    assertNotEquals(Arrays.hashCode(plain.image()), Arrays.hashCode(jittered.image()));
  }
}
