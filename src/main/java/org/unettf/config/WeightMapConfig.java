package org.unettf.config;

/**
 * The paper's weight map {@code w(x) = w_c(x) + w0·exp(−(d1(x) + d2(x))² / 2σ²)}: {@code w0} and
 * {@code sigma} (px) shape the border term; {@code classBalance} turns on {@code w_c}.
 *
 * <p>A network trained with class weights learns probabilities tilted by them (the weighted loss
 * is least at {@code q_c ∝ w_c·p_c}); {@code calibrate} divides {@code w_c} back out of the
 * predicted probabilities, so that they are calibrated and 0.5 is the right threshold again.
 */
public record WeightMapConfig(double w0, double sigma, boolean classBalance, boolean calibrate) {

  /**
   * The class weights to divide out of predicted probabilities: {@code classWeights} where the
   * loss balanced the classes and {@code calibrate} asks for it, else null (the plain softmax).
   */
  public double[] calibration(double[] classWeights) {
    return calibrate && classBalance ? classWeights : null;
  }

  /** True where the border term contributes anything at all. */
  public boolean borderTerm() {
    return w0 > 0;
  }
}
