package org.unettf.numerics;

import java.util.Arrays;
import org.apache.commons.math3.analysis.interpolation.SplineInterpolator;
import org.apache.commons.math3.analysis.polynomials.PolynomialSplineFunction;

/**
 * Natural cubic spline through {@code knots} equally spaced values across {@code length} pixels,
 * as a table of weights: the spline at pixel {@code p} is {@code Σ_k w[p][k]·value[k]}. A spline
 * is linear in its values, so one table serves every field on the same grid, and interpolating a
 * coarse grid bicubically costs {@code knots} multiply-adds per pixel and axis.
 */
public final class SplineWeights {
  private final int knots;
  private final int length;
  private final float[] weights;

  public SplineWeights(int knots, int length) {
    if (knots < 3) {
      throw new IllegalArgumentException("a natural cubic spline needs at least 3 knots, got " + knots);
    }
    this.knots = knots;
    this.length = length;
    this.weights = new float[knots * length];
    double[] positions = new double[knots];
    for (int k = 0; k < knots; k++) {
      positions[k] = (double) k * (length - 1) / (knots - 1);
    }
    for (int k = 0; k < knots; k++) {
      double[] unit = new double[knots];
      unit[k] = 1;
      PolynomialSplineFunction basis = new SplineInterpolator().interpolate(positions, unit);
      for (int p = 0; p < length; p++) {
        weights[p * knots + k] = (float) basis.value(Math.min(p, positions[knots - 1]));
      }
    }
  }

  /**
   * The dense {@code length×length} field of a {@code knots×knots} grid of values (row-major),
   * interpolated separably: rows first, then columns.
   */
  public float[] interpolate(double[] grid) {
    float[] rows = rows(grid);
    float[] out = new float[length * length];
    float[] row = new float[length];
    for (int y = 0; y < length; y++) {
      row(rows, y, row);
      System.arraycopy(row, 0, out, y * length, length);
    }
    return out;
  }

  /** The grid interpolated along x only: {@code knots} rows of {@code length} values. */
  public float[] rows(double[] grid) {
    float[] rows = new float[knots * length];
    for (int ky = 0; ky < knots; ky++) {
      for (int x = 0; x < length; x++) {
        float sum = 0;
        for (int kx = 0; kx < knots; kx++) {
          sum += weights[x * knots + kx] * (float) grid[ky * knots + kx];
        }
        rows[ky * length + x] = sum;
      }
    }
    return rows;
  }

  /**
   * Row {@code y} of the dense field, from {@link #rows}: a field can then be walked row by row
   * without ever being stored whole.
   */
  public void row(float[] rows, int y, float[] out) {
    Arrays.fill(out, 0f);
    for (int ky = 0; ky < knots; ky++) {
      float wy = weights[y * knots + ky];
      int r = ky * length;
      for (int x = 0; x < length; x++) {
        out[x] += wy * rows[r + x];
      }
    }
  }
}
