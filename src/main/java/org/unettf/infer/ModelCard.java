package org.unettf.infer;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.ToNumberPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.unettf.config.ClassMap;
import org.unettf.config.ConfigLoader;
import org.unettf.config.ConfigWriter;
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
    String format, ModelConfig model, ClassMap classes, double mean, double std, double[] prior, int margin,
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
    return new ModelCard(format, model, classes, mean, std, prior, margin, alignment, smallestInput, tile, provenance);
  }

  /** This card for a model whose probabilities have the class weights {@code prior} divided out (null: none). */
  public ModelCard withPrior(double[] classWeights) {
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
    json.put("model", ConfigWriter.toMap(model));
    json.put("classes", classes.names());
    json.put("mask_values", classes.values());
    json.put("normalization", Map.of("mean", mean, "std", std));
    json.put("margin", margin);
    json.put("alignment", alignment);
    json.put("smallest_input", smallestInput);
    json.put("fixed_tile", fixedTile);
    if (prior != null) {
      json.put("prior_correction", prior);
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
    try {
      return parse(Files.readString(file), file.toString());
    } catch (IOException e) {
      throw UserError.model(file + " is damaged (" + e.getMessage() + ")");
    }
  }

  /** A card from its JSON; {@code source} names where it came from in errors. */
  @SuppressWarnings("unchecked")
  public static ModelCard parse(String text, String source) {
    try {
      Map<String, Object> json = GSON.fromJson(text, Map.class);
      if (!FORMAT.equals(json.get("format"))) {
        throw UserError.model(source + ": unknown format '" + json.get("format") + "', expected " + FORMAT);
      }
      Map<String, Object> model = (Map<String, Object>) json.get("model");
      ModelConfig spec = ConfigLoader.parseModel(ConfigWriter.toYaml(Map.of("model", model)), source);
      Map<String, Object> n = (Map<String, Object>) json.get("normalization");
      Map<String, Object> provenance = (Map<String, Object>) json.getOrDefault("provenance", Map.of());
      ClassMap classes = ClassMap.binary();
      if (json.get("classes") instanceof List<?> names && json.get("mask_values") instanceof List<?> values) {
        classes = new ClassMap(values.stream().map(v -> ((Number) v).intValue()).toList(),
            names.stream().map(String::valueOf).toList());
      }
      if (classes.size() != spec.classes()) {
        throw UserError.model(source + ": " + classes.size() + " class names for a " + spec.classes() + "-class model");
      }
      int fixed = json.get("fixed_tile") instanceof Number f ? f.intValue() : 0;
      double[] prior = json.get("prior_correction") instanceof List<?> p
          ? p.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray()
          : null;
      return of(spec, classes,
          new Normalization(((Number) n.get("mean")).doubleValue(), ((Number) n.get("std")).doubleValue()), provenance)
          .withFixedTile(fixed).withPrior(prior);
    } catch (RuntimeException e) {
      if (e instanceof UserError u) {
        throw u;
      }
      throw UserError.model(source + " is damaged (" + e.getMessage() + ")");
    }
  }
}
