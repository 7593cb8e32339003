package org.unettf.io.volume;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.unettf.error.UserError;

/**
 * OME-Zarr 0.4 ({@code multiscales}) metadata, so that napari, Fiji's N5/Zarr reader and
 * Neuroglancer open the arrays of a group as images. Each array is its own single-scale image:
 * arrays of one group may differ in rank ({@code [z, y, x]} raw data beside {@code [c, z, y, x]}
 * probabilities), which the levels of one multiscale image may not.
 */
public final class OmeZarr {
  static final String VERSION = "0.4";

  private OmeZarr() {}

  /** One image: the array's path inside the group and its rank. */
  public record Image(String path, int rank) {
    public Image {
      if (rank < 2 || rank > 5) {
        throw new IllegalArgumentException("OME-Zarr images have 2 to 5 axes, not " + rank);
      }
    }
  }

  /**
   * The {@code multiscales} entry: one image per array, in order (viewers show the first by
   * default). Axes are named from the last: x, y, z (space), then c (channel), then t (time), as
   * this tool's {@code [z, y, x]} and {@code [c, z, y, x]} volumes are laid out; every scale is 1.
   */
  public static List<Map<String, Object>> multiscales(List<Image> images) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Image image : images) {
      Map<String, Object> scale = new LinkedHashMap<>();
      scale.put("type", "scale");
      List<Double> ones = new ArrayList<>();
      for (int d = 0; d < image.rank(); d++) {
        ones.add(1.0);
      }
      scale.put("scale", ones);
      Map<String, Object> dataset = new LinkedHashMap<>();
      dataset.put("path", image.path());
      dataset.put("coordinateTransformations", List.of(scale));
      Map<String, Object> multiscale = new LinkedHashMap<>();
      multiscale.put("version", VERSION);
      multiscale.put("name", image.path());
      multiscale.put("axes", axes(image.rank()));
      multiscale.put("datasets", List.of(dataset));
      out.add(multiscale);
    }
    return out;
  }

  static List<Map<String, Object>> axes(int rank) {
    String[] names = {"t", "c", "z", "y", "x"};
    List<Map<String, Object>> out = new ArrayList<>();
    for (int d = names.length - rank; d < names.length; d++) {
      Map<String, Object> axis = new LinkedHashMap<>();
      axis.put("name", names[d]);
      axis.put("type", switch (names[d]) {
        case "t" -> "time";
        case "c" -> "channel";
        default -> "space";
      });
      out.add(axis);
    }
    return out;
  }

  /**
   * Describes {@code arrays} of {@code group} (paths inside it) in the group's attributes, keeping
   * the attributes already there; replaces the attributes file atomically.
   */
  public static void describe(ZarrGroup group, List<String> arrays) {
    List<Image> images = new ArrayList<>();
    for (String path : arrays) {
      try (Volume array = group.openArray(path)) {
        int rank = array.rank();
        if (rank < 2 || rank > 5) {
          throw UserError.output(array.describe() + " has " + rank + " axes; OME-Zarr images have 2 to 5");
        }
        images.add(new Image(path, rank));
      }
    }
    Map<String, Object> attributes = new LinkedHashMap<>(group.attributes());
    attributes.put("multiscales", multiscales(images));
    group.writeAttributes(attributes);
  }
}
