package org.unettf.data;

import java.util.SplittableRandom;
import org.unettf.config.AugmentConfig;
import org.unettf.numerics.GaussianBlur;
import org.unettf.numerics.SplineWeights;
import org.unettf.numerics.Warp;

/**
 * Draws a training sample from a slice: a random output window inside the slice, its input tile
 * from the mirror-extended slice, and one random geometric transform applied to image, labels and
 * weights alike (the labels by nearest neighbour, so they stay classes).
 *
 * <p>The transform maps a tile pixel {@code p} to the slice point
 * {@code origin + c + A·(p + D(p) − c) + t}: {@code D} the elastic displacement field, {@code A}
 * flip, quarter turns and a small rotation about the tile centre {@code c}, {@code t} a shift.
 * Everything is drawn from the one {@code SplittableRandom} given, in a fixed order, so a sample
 * depends only on its seed.
 */
public final class Augmenter {
  private final AugmentConfig config;
  private final int inputSize;
  private final int outputSize;
  private final int margin;
  private final SplineWeights spline;

  public Augmenter(AugmentConfig config, int inputSize, int outputSize) {
    this.config = config;
    this.inputSize = inputSize;
    this.outputSize = outputSize;
    this.margin = (inputSize - outputSize) / 2;
    this.spline = config.elastic().mode() == AugmentConfig.Elastic.Mode.GRID
        ? new SplineWeights(config.elastic().grid(), inputSize)
        : null;
  }

  public int inputSize() {
    return inputSize;
  }

  public int outputSize() {
    return outputSize;
  }

  public Sample sample(Slice slice, SplittableRandom random) {
    int ox = random.nextInt(slice.width() - outputSize + 1);
    int oy = random.nextInt(slice.height() - outputSize + 1);
    Transform t = drawTransform(random);
    float[] xs = new float[inputSize * inputSize];
    float[] ys = new float[inputSize * inputSize];
    t.sourceCoordinates(ox - margin, oy - margin, xs, ys);

    float[] image = new float[xs.length * slice.channels()];
    Warp.bilinear(slice.image(), slice.width(), slice.height(), slice.channels(), xs, ys, image);
    float[] outXs = window(xs);
    float[] outYs = window(ys);
    byte[] labels = new byte[outXs.length];
    Warp.nearest(slice.labels(), slice.width(), slice.height(), outXs, outYs, labels);
    float[] weights = new float[outXs.length];
    Warp.bilinear(slice.weights(), slice.width(), slice.height(), outXs, outYs, weights);
    adjustIntensity(image, random);
    return new Sample(slice.index(), inputSize, outputSize, image, labels, weights);
  }

  /** The output window's part of a tile-sized array. */
  private float[] window(float[] tile) {
    if (margin == 0) {
      return tile;
    }
    float[] out = new float[outputSize * outputSize];
    for (int y = 0; y < outputSize; y++) {
      System.arraycopy(tile, (y + margin) * inputSize + margin, out, y * outputSize, outputSize);
    }
    return out;
  }

  private Transform drawTransform(SplittableRandom random) {
    AugmentConfig c = config;
    float[] dx = null;
    float[] dy = null;
    if (hit(random, c.elastic().probability())) {
      if (c.elastic().mode() == AugmentConfig.Elastic.Mode.GRID) {
        dx = gridField(random, c.elastic());
        dy = gridField(random, c.elastic());
      } else {
        dx = smoothField(random, c.elastic());
        dy = smoothField(random, c.elastic());
      }
    }
    boolean flip = hit(random, c.flip().probability());
    int quarterTurns = hit(random, c.rotate90().probability()) ? 1 + random.nextInt(3) : 0;
    double angle = hit(random, c.rotate().probability())
        ? Math.toRadians(uniform(random, c.rotate().maxDegrees()))
        : 0;
    double shiftX = 0;
    double shiftY = 0;
    if (hit(random, c.shift().probability())) {
      shiftX = uniform(random, c.shift().maxPixels());
      shiftY = uniform(random, c.shift().maxPixels());
    }
    return new Transform(inputSize, dx, dy, flip, quarterTurns, angle, shiftX, shiftY);
  }

  /** The paper's field: N(0, σ²) displacements on a coarse grid, bicubic in between. */
  private float[] gridField(SplittableRandom random, AugmentConfig.Elastic elastic) {
    int knots = elastic.grid();
    double[] grid = new double[knots * knots];
    for (int i = 0; i < grid.length; i++) {
      grid[i] = random.nextGaussian() * elastic.sigma();
    }
    return spline.interpolate(grid);
  }

  /** Uniform noise in [−1, 1] per pixel, Gaussian-smoothed, scaled by α. */
  private float[] smoothField(SplittableRandom random, AugmentConfig.Elastic elastic) {
    float[] noise = new float[inputSize * inputSize];
    for (int i = 0; i < noise.length; i++) {
      noise[i] = (float) (random.nextDouble() * 2 - 1);
    }
    float[] field = GaussianBlur.blur(noise, inputSize, inputSize, elastic.smoothSigma());
    for (int i = 0; i < field.length; i++) {
      field[i] *= (float) elastic.alpha();
    }
    return field;
  }

  private void adjustIntensity(float[] image, SplittableRandom random) {
    AugmentConfig.Intensity in = config.intensity();
    if (hit(random, in.probability())) {
      float contrast = (float) (1 + uniform(random, in.contrast()));
      float brightness = (float) uniform(random, in.brightness());
      for (int i = 0; i < image.length; i++) {
        image[i] = (image[i] - 0.5f) * contrast + 0.5f + brightness;
      }
    }
    AugmentConfig.Noise noise = config.noise();
    if (hit(random, noise.probability())) {
      for (int i = 0; i < image.length; i++) {
        image[i] += (float) (random.nextGaussian() * noise.sigma());
      }
    }
  }

  private static boolean hit(SplittableRandom random, double probability) {
    return probability > 0 && random.nextDouble() < probability;
  }

  private static double uniform(SplittableRandom random, double max) {
    return (random.nextDouble() * 2 - 1) * max;
  }

  /** The drawn geometric transform of one sample. */
  record Transform(
      int size, float[] dx, float[] dy, boolean flip, int quarterTurns, double angle, double shiftX, double shiftY) {

    /** Slice coordinates of every tile pixel, for a tile whose top-left lies at (x0, y0). */
    void sourceCoordinates(int x0, int y0, float[] xs, float[] ys) {
      double c = (size - 1) / 2.0;
      // A = R(angle) · R90^k · F, as one 2×2 matrix applied to (p + D(p) − c).
      double cos = Math.cos(angle);
      double sin = Math.sin(angle);
      double a = 1;
      double b = 0;
      double d = 0;
      double e = 1;
      if (flip) {
        a = -1;
      }
      for (int k = 0; k < quarterTurns; k++) {
        double na = -d;
        double nb = -e;
        double nd = a;
        double ne = b;
        a = na;
        b = nb;
        d = nd;
        e = ne;
      }
      double ra = cos * a - sin * d;
      double rb = cos * b - sin * e;
      double rd = sin * a + cos * d;
      double re = sin * b + cos * e;
      double tx = x0 + c + shiftX;
      double ty = y0 + c + shiftY;
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          int i = y * size + x;
          double px = x - c;
          double py = y - c;
          if (dx != null) {
            px += dx[i];
            py += dy[i];
          }
          xs[i] = (float) (tx + ra * px + rb * py);
          ys[i] = (float) (ty + rd * px + re * py);
        }
      }
    }
  }
}
