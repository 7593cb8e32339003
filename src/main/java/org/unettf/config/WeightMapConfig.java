package org.unettf.config;

/**
 * The paper's weight map {@code w(x) = w_c(x) + w0·exp(−(d1(x) + d2(x))² / 2σ²)}: {@code w0} and
 * {@code sigma} (px) shape the border term; {@code classBalance} turns on {@code w_c}.
 */
public record WeightMapConfig(double w0, double sigma, boolean classBalance) {

  /** True where the border term contributes anything at all. */
  public boolean borderTerm() {
    return w0 > 0;
  }
}
