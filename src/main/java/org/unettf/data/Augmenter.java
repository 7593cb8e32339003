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
  /** Coordinate buffers per worker thread: a sample's largest arrays, reused rather than reallocated. */
  private final ThreadLocal<float[][]> coordinates;

  public Augmenter(AugmentConfig config, int inputSize, int outputSize) {
    this.config = config;
    this.inputSize = inputSize;
    this.outputSize = outputSize;
    this.margin = (inputSize - outputSize) / 2;
    this.spline = config.elastic().mode() == AugmentConfig.Elastic.Mode.GRID
        ? new SplineWeights(config.elastic().grid(), inputSize)
        : null;
    this.coordinates = ThreadLocal.withInitial(() -> new float[][] {
        new float[inputSize * inputSize], new float[inputSize * inputSize]});
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
    float[][] buffers = coordinates.get();
    float[] xs = buffers[0];
    float[] ys = buffers[1];
    t.sourceCoordinates(ox - margin, oy - margin, xs, ys);

    float[] image = new float[xs.length * slice.channels()];
    Warp.bilinear(slice.image(), slice.width(), slice.height(), slice.channels(), xs, ys, image);
    byte[] labels = new byte[outputSize * outputSize];
    Warp.nearestWindow(slice.labels(), slice.width(), slice.height(), xs, ys, inputSize, margin, outputSize, labels);
    float[] weights = new float[outputSize * outputSize];
    Warp.bilinearWindow(slice.weights(), slice.width(), slice.height(), xs, ys, inputSize, margin, outputSize, weights);
    adjustIntensity(image, random);
    return new Sample(slice.index(), inputSize, outputSize, image, labels, weights);
  }

  private Transform drawTransform(SplittableRandom random) {
    AugmentConfig c = config;
    Field field = null;
    if (hit(random, c.elastic().probability())) {
      field = c.elastic().mode() == AugmentConfig.Elastic.Mode.GRID
          ? new GridField(spline, spline.rows(grid(random, c.elastic())), spline.rows(grid(random, c.elastic())))
          : new DenseField(inputSize, smoothField(random, c.elastic()), smoothField(random, c.elastic()));
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
    return new Transform(inputSize, field, flip, quarterTurns, angle, shiftX, shiftY);
  }

  /** The paper's displacements: N(0, σ²) on a coarse grid; {@link GridField} interpolates them bicubically. */
  private static double[] grid(SplittableRandom random, AugmentConfig.Elastic elastic) {
    int knots = elastic.grid();
    double[] grid = new double[knots * knots];
    for (int i = 0; i < grid.length; i++) {
      grid[i] = random.nextGaussian() * elastic.sigma();
    }
    return grid;
  }

  /** A displacement field, produced a row at a time so that it need not be stored whole. */
  interface Field {
    void row(int y, float[] dx, float[] dy);
  }

  /** The paper's bicubic field from a coarse grid, each row computed from the grid's interpolated rows. */
  private record GridField(SplineWeights spline, float[] rowsX, float[] rowsY) implements Field {
    @Override
    public void row(int y, float[] dx, float[] dy) {
      spline.row(rowsX, y, dx);
      spline.row(rowsY, y, dy);
    }
  }

  /** A field given pixel by pixel (the smooth-noise mode). */
  private record DenseField(int size, float[] dx, float[] dy) implements Field {
    @Override
    public void row(int y, float[] outX, float[] outY) {
      System.arraycopy(dx, y * size, outX, 0, size);
      System.arraycopy(dy, y * size, outY, 0, size);
    }
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
      int size, Field field, boolean flip, int quarterTurns, double angle, double shiftX, double shiftY) {

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
      float[] dx = new float[size];
      float[] dy = new float[size];
      for (int y = 0; y < size; y++) {
        if (field != null) {
          field.row(y, dx, dy);
        }
        double py0 = y - c;
        for (int x = 0; x < size; x++) {
          int i = y * size + x;
          double px = x - c + dx[x];
          double py = py0 + dy[x];
          xs[i] = (float) (tx + ra * px + rb * py);
          ys[i] = (float) (ty + rd * px + re * py);
        }
      }
    }
  }
}
