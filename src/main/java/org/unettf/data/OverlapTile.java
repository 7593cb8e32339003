package org.unettf.data;

import java.util.ArrayList;
import java.util.List;
import org.unettf.config.ModelConfig;
import org.unettf.numerics.Dihedral;
import org.unettf.numerics.Mirror;

/**
 * The paper's overlap-tile strategy, in one place: a slice of any size is cut into input tiles of
 * the mirror-extended slice whose outputs cover it, the tiles run through the network in
 * batches, and the outputs are pasted together.
 *
 * <p>A valid-convolution U-Net gives the same output for a pixel from every tile whose pooling
 * grid lines up with the others', so tile origins step by multiples of the network's
 * {@link ModelConfig#alignment()}: neighbouring outputs then agree where they overlap, and the
 * result has no seams, however many tiles it took. Same-padding networks get
 * {@code alignment} pixels of context on every side, discarded afterwards.
 */
public final class OverlapTile {
  private OverlapTile() {}

  /** Runs a batch of square input tiles through the network. */
  @FunctionalInterface
  public interface TileModel {
    /**
     * @param tiles {@code count×size×size×channels} inputs, raw [0, 1] intensities
     * @return {@code count×out×out×classes} class probabilities, out being the model's output edge
     */
    float[] predict(float[] tiles, int count, int size);
  }

  /**
   * How to tile: the largest input edge to use, how many tiles go in one batch, and, for a model
   * exported for one tile size only, that size (0: any).
   */
  public record Plan(int maxInput, int batch, int fixedInput) {
    public Plan(int maxInput, int batch) {
      this(maxInput, batch, 0);
    }

    public static Plan onePass() {
      return new Plan(Integer.MAX_VALUE, 1);
    }

    /** This plan for a model that takes {@code fixedInput} px tiles only (0: any size). */
    public Plan forModel(int fixed) {
      return new Plan(maxInput, batch, fixed);
    }
  }

  /** Class probabilities, {@code height×width×classes}, for a whole slice. */
  public static float[] predict(float[] image, int width, int height, ModelConfig model, TileModel network, Plan plan) {
    int classes = model.classes();
    int context = model.halo();
    int input = plan.fixedInput() > 0 ? plan.fixedInput() : inputSize(model, Math.max(width, height), plan.maxInput());
    int output = model.padding() == ModelConfig.Padding.SAME ? input - 2 * context : model.outputSize(input);
    int stride = Math.max(model.alignment(), output / model.alignment() * model.alignment());
    List<int[]> origins = new ArrayList<>();
    for (int y = 0; y < height; y += stride) {
      for (int x = 0; x < width; x += stride) {
        origins.add(new int[] {x, y});
      }
    }
    float[] probabilities = new float[width * height * classes];
    int cropOffset = model.padding() == ModelConfig.Padding.SAME ? context : 0;
    int modelOutput = model.outputSize(input);
    for (int first = 0; first < origins.size(); first += plan.batch()) {
      int count = Math.min(plan.batch(), origins.size() - first);
      int channels = model.channels();
      float[] tiles = new float[count * input * input * channels];
      for (int t = 0; t < count; t++) {
        int[] o = origins.get(first + t);
        float[] tile = Mirror.crop(image, width, height, channels, o[0] - context, o[1] - context, input, input);
        System.arraycopy(tile, 0, tiles, t * tile.length, tile.length);
      }
      float[] out = network.predict(tiles, count, input);
      for (int t = 0; t < count; t++) {
        int[] o = origins.get(first + t);
        paste(out, t, modelOutput, cropOffset, output, classes, o[0], o[1], probabilities, width, height);
      }
    }
    return probabilities;
  }

  /** Averages {@link #predict} over the given flips and quarter turns ({@link Dihedral} elements). */
  public static float[] predictAveraged(
      float[] image, int width, int height, ModelConfig model, TileModel network, Plan plan, int[] transforms) {
    int classes = model.classes();
    float[] sum = new float[width * height * classes];
    for (int k : transforms) {
      int w = Dihedral.width(k, width, height);
      int h = Dihedral.height(k, width, height);
      float[] turned = Dihedral.apply(k, image, width, height, model.channels());
      float[] p = Dihedral.invert(k, predict(turned, w, h, model, network, plan), width, height, classes);
      for (int i = 0; i < sum.length; i++) {
        sum[i] += p[i];
      }
    }
    for (int i = 0; i < sum.length; i++) {
      sum[i] /= transforms.length;
    }
    return sum;
  }

  /** Input edge of the tiles for a slice whose longer edge is {@code edge}. */
  public static int inputSize(ModelConfig model, int edge, int maxInput) {
    int context = model.padding() == ModelConfig.Padding.SAME ? model.alignment() : 0;
    int covering = model.padding() == ModelConfig.Padding.SAME
        ? model.inputCovering(edge + 2 * context)
        : model.inputCovering(edge);
    if (covering <= maxInput) {
      return covering;
    }
    int best = -1;
    for (int s = model.smallestInput(); s <= maxInput; s++) {
      int out = model.outputSize(s) - 2 * context;
      if (out >= model.alignment()) {
        best = s;
      }
    }
    if (best < 0) {
      throw new IllegalArgumentException("no tile of at most " + maxInput + " px fits this network; the smallest is "
          + model.inputCovering(model.alignment() + 2 * context));
    }
    return best;
  }

  private static void paste(
      float[] out, int tile, int modelOutput, int cropOffset, int output, int classes, int x0, int y0,
      float[] target, int width, int height) {
    int tileBase = tile * modelOutput * modelOutput * classes;
    int rows = Math.min(output, height - y0);
    int cols = Math.min(output, width - x0);
    for (int y = 0; y < rows; y++) {
      int src = tileBase + ((y + cropOffset) * modelOutput + cropOffset) * classes;
      int dst = ((y0 + y) * width + x0) * classes;
      System.arraycopy(out, src, target, dst, cols * classes);
    }
  }
}
