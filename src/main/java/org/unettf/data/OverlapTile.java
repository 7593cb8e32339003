package org.unettf.data;

import java.io.Serializable;
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
   * exported for one tile size only, that size (0: any). Serializable, so that cluster engines can
   * ship it to their workers.
   */
  public record Plan(int maxInput, int batch, int fixedInput) implements Serializable {
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

  /**
   * A rectangle of a slice in pixels. It may reach beyond the slice, where the mirror-extended
   * slice is meant.
   */
  public record Region(int x, int y, int width, int height) {
    public Region {
      if (width < 1 || height < 1) {
        throw new IllegalArgumentException("empty region " + width + "×" + height);
      }
    }

    public static Region whole(int width, int height) {
      return new Region(0, 0, width, height);
    }

    public int endX() {
      return x + width;
    }

    public int endY() {
      return y + height;
    }

    public boolean contains(Region other) {
      return other.x >= x && other.y >= y && other.endX() <= endX() && other.endY() <= endY();
    }

    /** The smallest region holding both. */
    public Region union(Region other) {
      int x0 = Math.min(x, other.x);
      int y0 = Math.min(y, other.y);
      return new Region(x0, y0, Math.max(endX(), other.endX()) - x0, Math.max(endY(), other.endY()) - y0);
    }

    /** This region of a {@code width×height} slice as it lies after {@link Dihedral} element {@code k}. */
    public Region transformed(int k, int width, int height) {
      int[] a = Dihedral.map(k, x, y, width, height);
      int[] b = Dihedral.map(k, endX() - 1, endY() - 1, width, height);
      int x0 = Math.min(a[0], b[0]);
      int y0 = Math.min(a[1], b[1]);
      return new Region(x0, y0, Math.abs(a[0] - b[0]) + 1, Math.abs(a[1] - b[1]) + 1);
    }
  }

  /**
   * The pixels of one slice, mirror-extended beyond its edges as {@link Mirror#index} extends them,
   * so that a region predicts the same wherever the slice's pixels come from: an array in memory,
   * or a block of a volume read with its halo.
   */
  @FunctionalInterface
  public interface Pixels {
    /** {@code height×width×channels} values of the region, channels interleaved. */
    float[] read(Region region);

    /** {@link #read(Region)} into {@code into} from {@code offset}: a tile straight into its batch. */
    default void read(Region region, float[] into, int offset) {
      float[] values = read(region);
      System.arraycopy(values, 0, into, offset, values.length);
    }
  }

  /** A whole slice in memory as {@link Pixels}. */
  public static Pixels mirrored(float[] image, int width, int height, int channels) {
    return r -> Mirror.crop(image, width, height, channels, r.x(), r.y(), r.width(), r.height());
  }

  /** Class probabilities, {@code height×width×classes}, for a whole slice. */
  public static float[] predict(float[] image, int width, int height, ModelConfig model, TileModel network, Plan plan) {
    return predictRegion(mirrored(image, width, height, model.channels()), width, height, Region.whole(width, height),
        model, network, plan, new int[] {0});
  }

  /** Averages {@link #predict} over the given flips and quarter turns ({@link Dihedral} elements). */
  public static float[] predictAveraged(
      float[] image, int width, int height, ModelConfig model, TileModel network, Plan plan, int[] transforms) {
    return predictRegion(mirrored(image, width, height, model.channels()), width, height, Region.whole(width, height),
        model, network, plan, transforms);
  }

  /**
   * Class probabilities, {@code region.height×region.width×classes}, for a region of a
   * {@code width×height} slice, averaged over {@code transforms} ({@link Dihedral} elements; {0}
   * for none). They equal the whole slice's prediction there: tiles keep to the slice's own grid in
   * every transformed frame (below), and read the mirror-extended slice however far they reach. So
   * a volume predicted block by block, each block alone, has no seams.
   *
   * <p>The grid: for valid padding, tile origins are multiples of {@link ModelConfig#alignment()}
   * counted from the slice's origin in the transformed frame, which puts every pixel at the same
   * place in the pooling grid as a whole-slice tiling does; tile sizes may then differ (one
   * covering the region where the plan allows), which changes the result only by rounding. For same
   * padding the zero-padded tile border reaches into the output, so only the very tiles of the whole
   * slice give its values: the tile size comes from the whole slice and origins step by the
   * whole-slice stride, and a region then equals the whole-slice prediction exactly, at the cost of
   * predicting the whole of every tile it touches.
   */
  public static float[] predictRegion(Pixels pixels, int width, int height, Region region, ModelConfig model,
      TileModel network, Plan plan, int[] transforms) {
    checkInside(region, width, height);
    int classes = model.classes();
    if (transforms.length == 1) {
      return predictTransformed(pixels, width, height, region, model, network, plan, transforms[0]);
    }
    float[] sum = new float[region.width() * region.height() * classes];
    for (int k : transforms) {
      float[] p = predictTransformed(pixels, width, height, region, model, network, plan, k);
      for (int i = 0; i < sum.length; i++) {
        sum[i] += p[i];
      }
    }
    for (int i = 0; i < sum.length; i++) {
      sum[i] /= transforms.length;
    }
    return sum;
  }

  /**
   * The pixels {@link #predictRegion} reads for {@code region}, over all {@code transforms}: the
   * region with the network's halo (its margin for valid padding, {@code alignment} px of context
   * for same padding), grown to the tiles' extent on their grid. It may reach beyond the slice.
   */
  public static Region window(int width, int height, Region region, ModelConfig model, Plan plan, int[] transforms) {
    checkInside(region, width, height);
    Region union = null;
    for (int k : transforms) {
      int w = Dihedral.width(k, width, height);
      int h = Dihedral.height(k, width, height);
      Tiling t = tiling(w, h, region.transformed(k, width, height), model, plan);
      Region read = t.window().transformed(Dihedral.inverse(k), w, h);
      union = union == null ? read : union.union(read);
    }
    return union;
  }

  /** The region's prediction under element {@code k}, turned back to the slice's orientation. */
  private static float[] predictTransformed(Pixels pixels, int width, int height, Region region, ModelConfig model,
      TileModel network, Plan plan, int k) {
    if (k == 0) {
      return predictFrame(pixels, width, height, region, model, network, plan);
    }
    int w = Dihedral.width(k, width, height);
    int h = Dihedral.height(k, width, height);
    int back = Dihedral.inverse(k);
    int channels = model.channels();
    // Mirroring commutes with the square's symmetries, so the turned slice's pixels are the turned
    // pixels of the matching region of the slice itself.
    Pixels turned = r -> {
      Region source = r.transformed(back, w, h);
      return Dihedral.apply(k, pixels.read(source), source.width(), source.height(), channels);
    };
    float[] p = predictFrame(turned, w, h, region.transformed(k, width, height), model, network, plan);
    return Dihedral.invert(k, p, region.width(), region.height(), model.classes());
  }

  /** Where the tiles of a region go: their input edge, origins and what of each output is kept. */
  private record Tiling(int input, int output, int context, int crop, int[] xs, int[] ys) {
    Region window() {
      int x0 = xs[0] - context;
      int y0 = ys[0] - context;
      return new Region(x0, y0, xs[xs.length - 1] - context + input - x0, ys[ys.length - 1] - context + input - y0);
    }
  }

  private static Tiling tiling(int width, int height, Region region, ModelConfig model, Plan plan) {
    boolean same = model.padding() == ModelConfig.Padding.SAME;
    int alignment = model.alignment();
    int context = model.halo();
    int gridX = Math.floorDiv(region.x(), alignment) * alignment;
    int gridY = Math.floorDiv(region.y(), alignment) * alignment;
    int edge = same ? Math.max(width, height) : Math.max(region.endX() - gridX, region.endY() - gridY);
    int input = plan.fixedInput() > 0 ? plan.fixedInput() : inputSize(model, edge, plan.maxInput());
    int output = same ? input - 2 * context : model.outputSize(input);
    int stride = Math.max(alignment, output / alignment * alignment);
    if (same) {
      gridX = Math.floorDiv(region.x(), stride) * stride;
      gridY = Math.floorDiv(region.y(), stride) * stride;
    }
    return new Tiling(input, output, context, same ? context : 0, origins(gridX, region.endX(), stride),
        origins(gridY, region.endY(), stride));
  }

  private static int[] origins(int first, int end, int stride) {
    int[] out = new int[(end - first + stride - 1) / stride];
    for (int i = 0; i < out.length; i++) {
      out[i] = first + i * stride;
    }
    return out;
  }

  /** One frame's tiles, in rows, {@code plan.batch} at a time, pasted into the region. */
  private static float[] predictFrame(Pixels pixels, int width, int height, Region region, ModelConfig model,
      TileModel network, Plan plan) {
    Tiling t = tiling(width, height, region, model, plan);
    int classes = model.classes();
    int channels = model.channels();
    int modelOutput = model.outputSize(t.input());
    List<int[]> origins = new ArrayList<>();
    for (int y : t.ys()) {
      for (int x : t.xs()) {
        origins.add(new int[] {x, y});
      }
    }
    float[] probabilities = new float[region.width() * region.height() * classes];
    for (int first = 0; first < origins.size(); first += plan.batch()) {
      int count = Math.min(plan.batch(), origins.size() - first);
      int input = t.input();
      float[] tiles = new float[count * input * input * channels];
      for (int i = 0; i < count; i++) {
        int[] o = origins.get(first + i);
        pixels.read(new Region(o[0] - t.context(), o[1] - t.context(), input, input), tiles,
            i * input * input * channels);
      }
      float[] out = network.predict(tiles, count, input);
      for (int i = 0; i < count; i++) {
        int[] o = origins.get(first + i);
        paste(out, i, modelOutput, t.crop(), t.output(), classes, o[0], o[1], probabilities, region);
      }
    }
    return probabilities;
  }

  private static void checkInside(Region region, int width, int height) {
    if (!Region.whole(width, height).contains(region)) {
      throw new IllegalArgumentException("region " + region + " lies outside the " + width + "×" + height + " slice");
    }
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

  /** Copies the kept part of tile {@code tile}'s output, at output origin (x0, y0), into the region. */
  private static void paste(
      float[] out, int tile, int modelOutput, int cropOffset, int output, int classes, int x0, int y0,
      float[] target, Region region) {
    int tileBase = tile * modelOutput * modelOutput * classes;
    int fromY = Math.max(y0, region.y());
    int toY = Math.min(y0 + output, region.endY());
    int fromX = Math.max(x0, region.x());
    int toX = Math.min(x0 + output, region.endX());
    for (int y = fromY; y < toY; y++) {
      int src = tileBase + ((y - y0 + cropOffset) * modelOutput + fromX - x0 + cropOffset) * classes;
      int dst = ((y - region.y()) * region.width() + fromX - region.x()) * classes;
      System.arraycopy(out, src, target, dst, (toX - fromX) * classes);
    }
  }
}
