package org.unettf.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.unettf.config.Indices;
import org.unettf.error.UserError;
import org.unettf.numerics.Dihedral;

/** Helpers shared by predict and evaluate: the bundled model and test-time augmentation. */
final class Models {
  static final Path BUNDLED = Path.of("savedmodel", "isbi2012");

  private Models() {}

  /** {@code --model}, or the model trained on ISBI 2012 that ships in savedmodel/isbi2012. */
  static Path modelOrBundled(Path given) {
    if (given != null) {
      return given;
    }
    List<Path> candidates = new ArrayList<>();
    candidates.add(BUNDLED);
    try {
      Path jar = Path.of(Models.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path home = jar.getParent() == null ? null : jar.getParent().getParent();
      if (home != null) {
        candidates.add(home.resolve(BUNDLED));
      }
    } catch (Exception ignored) {
      // No code source (e.g. an unusual class loader): the working directory is all there is.
    }
    for (Path candidate : candidates) {
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw UserError.config("--model not given, and the bundled ISBI 2012 model (" + BUNDLED
        + ") is not in the working directory; pass --model <SavedModel folder>");
  }

  /**
   * {@code --tta}: 1, 2, 4 or 8 for the first so many flips and quarter turns (8: all of them), or
   * a list of {@link Dihedral} elements such as {@code 0,1,2,3}.
   */
  static int[] transforms(String tta) {
    String t = tta.trim();
    if (t.matches("[1248]")) {
      int n = Integer.parseInt(t);
      int[] out = new int[n];
      for (int i = 0; i < n; i++) {
        // 2 means identity and flip; 4 the quarter turns; 8 everything.
        out[i] = n == 2 ? 4 * i : i;
      }
      return out;
    }
    try {
      List<Integer> list = Indices.parse(t);
      if (list.isEmpty() || list.stream().anyMatch(k -> k >= Dihedral.ORDER)) {
        throw new IllegalArgumentException(t);
      }
      return list.stream().mapToInt(Integer::intValue).toArray();
    } catch (IllegalArgumentException e) {
      throw UserError.config("--tta: expected 1, 2, 4 or 8, or a list of transforms 0-7 such as 0,1,2,3; found '" + tta + "'");
    }
  }
}
