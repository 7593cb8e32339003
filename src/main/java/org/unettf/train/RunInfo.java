package org.unettf.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.unettf.data.Normalization;
import org.unettf.error.UserError;
import org.unettf.io.AtomicFiles;

/**
 * run.json: what produced a run ({@link Provenance}) and the data statistics fixed at its start,
 * which resumed runs and exports read back.
 */
public final class RunInfo {
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

  private RunInfo() {}

  /** Versions and machine now, for metrics.json and bench output. */
  public static Map<String, Object> environment() {
    return Provenance.current().environment();
  }

  public static void write(Path target, Provenance provenance, Normalization normalization, double[] classWeights,
      long parameters, Map<String, Object> extra) {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("started", provenance.at().toString());
    info.put("command", provenance.command());
    info.put("environment", provenance.environment());
    info.put("normalization", Map.of("mean", normalization.mean(), "std", normalization.std()));
    info.put("class_weights", classWeights);
    info.put("parameters", parameters);
    info.putAll(extra);
    AtomicFiles.writeString(target, GSON.toJson(info) + "\n");
  }

  /** The normalisation a run recorded, which its exports must reuse. */
  public static Normalization normalization(Path runInfo) {
    try {
      JsonObject json = GSON.fromJson(Files.readString(runInfo), JsonObject.class);
      JsonObject n = json.getAsJsonObject("normalization");
      return new Normalization(n.get("mean").getAsDouble(), n.get("std").getAsDouble());
    } catch (IOException | RuntimeException e) {
      throw UserError.input(runInfo + " is missing or damaged; it records the run's normalisation ("
          + e.getMessage() + ")");
    }
  }

  /** The class weights {@code w_c} a run recorded. */
  public static double[] classWeights(Path runInfo) {
    try {
      JsonObject json = GSON.fromJson(Files.readString(runInfo), JsonObject.class);
      return GSON.fromJson(json.get("class_weights"), double[].class);
    } catch (IOException | RuntimeException e) {
      throw UserError.input(runInfo + " is missing or damaged; it records the run's class weights (" + e.getMessage() + ")");
    }
  }

  public static Gson gson() {
    return GSON;
  }
}
