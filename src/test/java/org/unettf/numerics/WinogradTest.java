package org.unettf.numerics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WinogradTest {
  @ParameterizedTest(name = "F({0}, 3) on {1}×{2}")
  @CsvSource({"2, 4, 4", "4, 6, 6", "2, 9, 12", "4, 9, 12", "4, 13, 7", "2, 3, 3", "4, 3, 5", "4, 14, 10"})
  void theTiledTransformsGiveTheValidCorrelation(int m, int height, int width) {
    Winograd f = new Winograd(m);
    SplittableRandom random = new SplittableRandom(height * 31L + width + m);
    double[][] image = uniform(random, height, width);
    double[][] kernel = uniform(random, 3, 3);
    double[][] expected = correlate(image, kernel);

    // Products per tile pair: (Bh X Bwᵀ) ⊙ Û, Û the kernel's transform at every tile pair.
    double[][] transformed = matrix(f.tiledInput(height)).multiply(MatrixUtils.createRealMatrix(image))
        .multiply(matrix(f.tiledInput(width)).transpose()).getData();
    float[][] kron = f.kernelTransform2d();
    int a = f.tileSize();
    int rows = f.tiles(height);
    int columns = f.tiles(width);
    for (int r = 0; r < transformed.length; r++) {
      for (int c = 0; c < transformed[0].length; c++) {
        int i = r / rows;
        int j = c / columns;
        double u = 0;
        for (int k = 0; k < 9; k++) {
          u += kron[i * a + j][k] * kernel[k / 3][k % 3];
        }
        transformed[r][c] *= u;
      }
    }
    double[][] actual = matrix(f.tiledOutput(height)).multiply(MatrixUtils.createRealMatrix(transformed))
        .multiply(matrix(f.tiledOutput(width)).transpose()).getData();

    assertEquals(height - 2, actual.length);
    assertEquals(width - 2, actual[0].length);
    for (int y = 0; y < height - 2; y++) {
      for (int x = 0; x < width - 2; x++) {
        assertEquals(expected[y][x], actual[y][x], 1e-5 * (1 + Math.abs(expected[y][x])),
            "output (" + y + ", " + x + ")");
      }
    }
  }

  @ParameterizedTest(name = "m = {0}")
  @ValueSource(ints = {2, 4})
  void tilesCoverEveryOutputWithAtMostOnePartialTile(int m) {
    Winograd f = new Winograd(m);
    assertEquals(1, f.tiles(3));
    assertEquals(5, f.tiles(5 * m + 2));
    assertEquals(6, f.tiles(5 * m + 3));
    assertEquals(m + 2, f.tileSize());
    assertThrows(IllegalArgumentException.class, () -> f.tiles(2));
  }

  @ParameterizedTest(name = "m = {0}")
  @ValueSource(ints = {1, 3, 6})
  void onlyTheTwoTabulatedTileSizesExist(int m) {
    assertThrows(IllegalArgumentException.class, () -> new Winograd(m));
  }

  private static double[][] correlate(double[][] image, double[][] kernel) {
    double[][] out = new double[image.length - 2][image[0].length - 2];
    for (int y = 0; y < out.length; y++) {
      for (int x = 0; x < out[0].length; x++) {
        for (int p = 0; p < 3; p++) {
          for (int q = 0; q < 3; q++) {
            out[y][x] += image[y + p][x + q] * kernel[p][q];
          }
        }
      }
    }
    return out;
  }

  private static double[][] uniform(SplittableRandom random, int rows, int columns) {
    double[][] m = new double[rows][columns];
    for (double[] row : m) {
      for (int c = 0; c < columns; c++) {
        row[c] = random.nextDouble(-1, 1);
      }
    }
    return m;
  }

  private static RealMatrix matrix(float[][] m) {
    RealMatrix d = MatrixUtils.createRealMatrix(m.length, m[0].length);
    for (int r = 0; r < m.length; r++) {
      for (int c = 0; c < m[0].length; c++) {
        d.setEntry(r, c, m[r][c]);
      }
    }
    return d;
  }
}
