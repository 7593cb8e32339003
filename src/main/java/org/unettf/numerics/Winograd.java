package org.unettf.numerics;

/**
 * Winograd's minimal filtering F(m, 3), as Lavin and Gray apply it to convolutions ("Fast Algorithms
 * for Convolutional Neural Networks", 2016): the m outputs of a 3-tap correlation of an
 * (m + 2)-sample tile d are {@code Aᵀ[(G g) ⊙ (Bᵀ d)]}, m + 2 multiplications instead of 3m. Nested
 * per axis, F(m×m, 3×3) takes (m + 2)² multiplications for m² outputs instead of 9m².
 *
 * <p>The matrices are also given spread over a whole axis of n samples, tile after tile, so that
 * for an image X the valid 3×3 correlation with kernel g is
 * {@code tiledOutput(h) · [(tiledInput(h) · X · tiledInput(w)ᵀ) ⊙ Û] · tiledOutput(w)ᵀ},
 * where Û holds the kernel's transform {@code G g Gᵀ} at each tile's (m + 2)² entries. Tiles run
 * past the axis's end when n − 2 is no multiple of m: the samples beyond it count as zeros and the
 * outputs beyond it are dropped.
 */
public final class Winograd {
  /** The taps of the kernel along each axis. */
  public static final int TAPS = 3;

  private final int outputs;
  private final double[][] bt;
  private final double[][] g;
  private final double[][] at;

  /** F(m, 3) with m = 2 (exact in fp32 for small integers) or m = 4 (fewer products, larger error). */
  public Winograd(int outputs) {
    this.outputs = outputs;
    switch (outputs) {
      case 2 -> {
        bt = new double[][] {{1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}};
        g = new double[][] {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
        at = new double[][] {{1, 1, 1, 0}, {0, 1, -1, -1}};
      }
      case 4 -> {
        // Interpolation points 0, ±1, ±2 and ∞, Lavin and Gray's F(4, 3).
        bt = new double[][] {{4, 0, -5, 0, 1, 0}, {0, -4, -4, 1, 1, 0}, {0, 4, -4, -1, 1, 0}, {0, -2, -1, 2, 1, 0},
            {0, 2, -1, -2, 1, 0}, {0, 4, 0, -5, 0, 1}};
        g = new double[][] {{1 / 4.0, 0, 0}, {-1 / 6.0, -1 / 6.0, -1 / 6.0}, {-1 / 6.0, 1 / 6.0, -1 / 6.0},
            {1 / 24.0, 1 / 12.0, 1 / 6.0}, {1 / 24.0, -1 / 12.0, 1 / 6.0}, {0, 0, 1}};
        at = new double[][] {{1, 1, 1, 1, 1, 0}, {0, 1, -1, 2, -2, 0}, {0, 1, 1, 4, 4, 0}, {0, 1, -1, 8, -8, 1}};
      }
      default -> throw new IllegalArgumentException("F(m, 3) is defined here for m = 2 or 4, not " + outputs);
    }
  }

  /** m: outputs per tile and axis. */
  public int outputs() {
    return outputs;
  }

  /** m + 2: input samples per tile and axis, and products per tile and axis. */
  public int tileSize() {
    return outputs + TAPS - 1;
  }

  /** Tiles along an axis of {@code n} samples (n − 2 valid outputs), the last one perhaps partial. */
  public int tiles(int n) {
    if (n < TAPS) {
      throw new IllegalArgumentException("a valid 3-tap correlation needs at least 3 samples, got " + n);
    }
    return (n - TAPS + outputs) / outputs;
  }

  /**
   * {@code Bᵀ} for every tile of an axis of n samples: a {@code [(m + 2)·tiles, n]} matrix whose row
   * {@code i·tiles + t} is row i of Bᵀ over tile t's samples {@code m·t … m·t + m + 1}.
   */
  public float[][] tiledInput(int n) {
    int tiles = tiles(n);
    float[][] spread = new float[tileSize() * tiles][n];
    for (int i = 0; i < tileSize(); i++) {
      for (int t = 0; t < tiles; t++) {
        for (int k = 0; k < tileSize() && outputs * t + k < n; k++) {
          spread[i * tiles + t][outputs * t + k] = (float) bt[i][k];
        }
      }
    }
    return spread;
  }

  /**
   * {@code Aᵀ} for every tile of an axis of n samples: a {@code [n − 2, (m + 2)·tiles]} matrix whose
   * row {@code m·t + p} is row p of Aᵀ over tile t's products {@code i·tiles + t}.
   */
  public float[][] tiledOutput(int n) {
    int tiles = tiles(n);
    float[][] spread = new float[n - TAPS + 1][tileSize() * tiles];
    for (int t = 0; t < tiles; t++) {
      for (int p = 0; p < outputs && outputs * t + p < n - TAPS + 1; p++) {
        for (int i = 0; i < tileSize(); i++) {
          spread[outputs * t + p][i * tiles + t] = (float) at[p][i];
        }
      }
    }
    return spread;
  }

  /**
   * {@code G ⊗ G}: a {@code [(m + 2)², 9]} matrix taking a 3×3 kernel (row-major) to its 2-D
   * transform {@code G g Gᵀ} (row-major).
   */
  public float[][] kernelTransform2d() {
    int a = tileSize();
    float[][] kron = new float[a * a][TAPS * TAPS];
    for (int i = 0; i < a; i++) {
      for (int j = 0; j < a; j++) {
        for (int p = 0; p < TAPS; p++) {
          for (int q = 0; q < TAPS; q++) {
            kron[i * a + j][p * TAPS + q] = (float) (g[i][p] * g[j][q]);
          }
        }
      }
    }
    return kron;
  }
}
