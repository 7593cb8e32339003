package org.unettf.config;

/**
 * Augmentations, each drawn per sample with its own probability (0 switches it off). Geometric ones
 * move image, label and weight map together; intensity ones touch the image only.
 */
public record AugmentConfig(
    Elastic elastic, Flip flip, Rotate90 rotate90, Rotate rotate, Shift shift, Intensity intensity,
    Noise noise) {

  /** Elastic deformation. {@code GRID}: the paper's Gaussian displacements (σ = {@code sigma} px)
   * on a {@code grid}×{@code grid} grid, bicubic in between. {@code SMOOTH}: per-pixel uniform
   * noise smoothed by a Gaussian of {@code smoothSigma} px and scaled by {@code alpha}, as in
   * common PyTorch ports. */
  public record Elastic(
      double probability, Mode mode, double sigma, int grid, double alpha, double smoothSigma) {
    public enum Mode {
      GRID,
      SMOOTH
    }
  }

  public record Flip(double probability) {}

  public record Rotate90(double probability) {}

  /** Rotation by a uniform angle in [−maxDegrees, maxDegrees]. */
  public record Rotate(double probability, double maxDegrees) {}

  /** Translation by a uniform offset in [−maxPixels, maxPixels] along each axis. */
  public record Shift(double probability, double maxPixels) {}

  /** {@code x' = (x − 0.5)·c + 0.5 + b}, with {@code c} uniform in 1 ± contrast and {@code b}
   * uniform in ± brightness. */
  public record Intensity(double probability, double brightness, double contrast) {}

  /** Additive Gaussian noise of standard deviation {@code sigma}, in units of the [0,1] range. */
  public record Noise(double probability, double sigma) {}

  /** Every augmentation off: the tiles come out as cut from the slice. */
  public static AugmentConfig none() {
    return new AugmentConfig(
        new Elastic(0, Elastic.Mode.GRID, 10, 3, 0, 0),
        new Flip(0),
        new Rotate90(0),
        new Rotate(0, 0),
        new Shift(0, 0),
        new Intensity(0, 0, 0),
        new Noise(0, 0));
  }
}
