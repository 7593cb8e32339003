package org.unettf.infer;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import com.google.gson.ToNumberPolicy;
import java.util.LinkedHashMap;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.unettf.config.ClassMap;
import org.unettf.config.ConfigLoader;
import org.unettf.config.ConfigWriter;
import org.unettf.config.Schema;
import org.unettf.config.ModelConfig;
import org.unettf.data.Normalization;
import org.unettf.error.UserError;

/**
 * What a consumer of an exported model needs beyond its inputs and outputs: the network's shape
 * (for tiling), its normalisation and provenance. A SavedModel stores it as
 * {@code assets.extra/unet-tf.json}, a folder TF Serving leaves alone; an ONNX model in its
 * {@code metadata_props}.
 */
public record ModelCard(
    String format, ModelConfig model, ClassMap classes, double mean, double std, double[] calibration, int margin,
    int alignment, int smallestInput, int fixedTile, Map<String, Object> provenance) {

  public static final String FORMAT = "unet-tf/1";
  static final String FILE = "assets.extra/unet-tf.json";
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting()
      .setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE).create();

  public static ModelCard of(ModelConfig model, ClassMap classes, Normalization normalization,
      Map<String, Object> provenance) {
    return new ModelCard(FORMAT, model, classes, normalization.mean(), normalization.std(), null, model.margin(),
        model.alignment(), model.smallestInput(), 0, provenance);
  }

  /** This card for a SavedModel whose {@code serving_default} takes {@code tile} px inputs only. */
  public ModelCard withFixedTile(int tile) {
    return new ModelCard(format, model, classes, mean, std, calibration, margin, alignment, smallestInput, tile, provenance);
  }

  /** This card for a model whose probabilities have the class weights {@code calibration} divided out (null: none). */
  public ModelCard withCalibration(double[] classWeights) {
    return new ModelCard(format, model, classes, mean, std, classWeights, margin, alignment, smallestInput, fixedTile,
        provenance);
  }

  public Normalization normalization() {
    return new Normalization(mean, std);
  }

  void write(Path savedModel) throws IOException {
    Path file = savedModel.resolve(FILE);
    Files.createDirectories(file.getParent());
    Files.writeString(file, toJson() + "\n");
  }

  /** The card as JSON, as a SavedModel's {@code assets.extra/unet-tf.json} and an ONNX model's metadata hold it. */
  public String toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("format", format);
    json.put("model", Schema.write(model));
    json.put("classes", classes.names());
    json.put("mask_values", classes.values());
    json.put("normalization", Map.of("mean", mean, "std", std));
    json.put("margin", margin);
    json.put("alignment", alignment);
    json.put("smallest_input", smallestInput);
    json.put("fixed_tile", fixedTile);
    if (calibration != null) {
      json.put("prior_correction", calibration);
    }
    json.put("provenance", provenance);
    return GSON.toJson(json);
  }

  /** Reads the card of a SavedModel folder, naming what is wrong if it cannot. */
  public static ModelCard read(Path savedModel) {
    Path file = savedModel.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw UserError.model(savedModel + " has no " + FILE + ": it is not a SavedModel exported by unet-tf, so its "
          + "tiling geometry is unknown");
    }
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw UserError.model("cannot read " + file + " (" + e.getMessage() + ")");
    }
    return parse(text, file.toString());
  }

  /** A card from its JSON text; {@code label} names it in messages. */
  @SuppressWarnings("unchecked")
  public static ModelCard parse(String text, String label) {
    Map<String, Object> json;
    try {
      json = GSON.fromJson(text, Map.class);
    } catch (JsonParseException e) {
      throw UserError.model(label + " is damaged: expected a JSON object, found text that is not valid JSON"
          + where(e.getMessage()) + "; export the model again");
    }
    if (json == null) {
      throw UserError.model(label + " is damaged: expected a JSON object, found an empty file; export the model again");
    }
    if (!FORMAT.equals(json.get("format"))) {
      throw UserError.model(label + ": expected format " + FORMAT + ", found '" + json.get("format") + "'");
    }
    Map<String, Object> model = field(json, "model", Map.class, label);
    ModelConfig spec = ConfigLoader.parseModel(ConfigWriter.toYaml(Map.of("model", model)), label);
    Map<String, Object> n = field(json, "normalization", Map.class, label);
    Map<String, Object> provenance = json.get("provenance") == null ? Map.of()
        : field(json, "provenance", Map.class, label);
    ClassMap classes = ClassMap.binary();
    if (json.get("classes") != null || json.get("mask_values") != null) {
      List<Object> names = field(json, "classes", List.class, label);
      List<Object> values = field(json, "mask_values", List.class, label);
      classes = new ClassMap(values.stream().map(v -> number(v, "mask_values", label).intValue()).toList(),
          names.stream().map(String::valueOf).toList());
    }
    if (classes.size() != spec.classes()) {
      throw UserError.model(label + ": expected " + spec.classes() + " class names for a " + spec.classes()
          + "-class model, found " + classes.size());
    }
    int fixed = json.get("fixed_tile") == null ? 0 : number(json.get("fixed_tile"), "fixed_tile", label).intValue();
    double[] calibration = json.get("prior_correction") == null ? null
        : ((List<Object>) field(json, "prior_correction", List.class, label)).stream()
            .mapToDouble(v -> number(v, "prior_correction", label).doubleValue()).toArray();
    return of(spec, classes, new Normalization(number(n.get("mean"), "normalization.mean", label).doubleValue(),
        number(n.get("std"), "normalization.std", label).doubleValue()), provenance)
        .withFixedTile(fixed).withCalibration(calibration);
  }

  @SuppressWarnings("unchecked")
  private static <T> T field(Map<String, Object> json, String key, Class<?> type, String label) {
    Object value = json.get(key);
    if (!type.isInstance(value)) {
      throw UserError.model(label + " is damaged: expected '" + key + "' to be " + (type == Map.class ? "an object"
          : "a list") + ", found " + kind(value) + "; export the model again");
    }
    return (T) value;
  }

  private static Number number(Object value, String key, String label) {
    if (!(value instanceof Number n)) {
      throw UserError.model(label + " is damaged: expected '" + key + "' to be a number, found " + kind(value)
          + "; export the model again");
    }
    return n;
  }

  private static String kind(Object value) {
    if (value == null) {
      return "nothing";
    }
    if (value instanceof Map) {
      return "an object";
    }
    if (value instanceof List) {
      return "a list";
    }
    return value instanceof String ? "the text '" + value + "'" : String.valueOf(value);
  }

  /** " (at line 5 column 3)" out of a JSON parser's message, without its Java class names. */
  private static String where(String message) {
    Matcher m = Pattern.compile("line (\\d+) column (\\d+)").matcher(String.valueOf(message));
    String end = String.valueOf(message).contains("End of input") ? "it ends early" : "malformed";
    return m.find() ? " (" + end + " at line " + m.group(1) + " column " + m.group(2) + ")" : "";
  }

  /** By content: the calibration weights compare by value, not by array identity. */
  @Override
  public boolean equals(Object other) {
    return other instanceof ModelCard c && format.equals(c.format) && model.equals(c.model) && classes.equals(c.classes)
        && mean == c.mean && std == c.std && Arrays.equals(calibration, c.calibration) && margin == c.margin
        && alignment == c.alignment && smallestInput == c.smallestInput && fixedTile == c.fixedTile
        && Objects.equals(provenance, c.provenance);
  }

  @Override
  public int hashCode() {
    return Objects.hash(format, model, classes, mean, std, Arrays.hashCode(calibration), margin, alignment,
        smallestInput, fixedTile, provenance);
  }

  @Override
  public String toString() {
    return "ModelCard[" + model + ", classes " + classes.describe() + ", calibration " + Arrays.toString(calibration)
        + "]";
  }
}
