package org.unettf.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.unettf.data.Normalization;
import org.unettf.error.UserError;
import org.unettf.model.Sessions;

/**
 * What produced a run: versions of unet-tf, TensorFlow and Java, the machine, the command line
 * and the data statistics fixed at its start. Written next to every run's outputs.
 */
public final class RunInfo {
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

  private RunInfo() {}

  /** Versions and machine, for run.json, bench output and model cards. */
  public static Map<String, Object> environment() {
    Map<String, Object> env = new LinkedHashMap<>();
    env.put("unet_tf", version());
    env.put("git_commit", gitCommit());
    env.put("tensorflow", Sessions.TensorFlowVersion.VERSION);
    env.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    env.put("cpu", cpuModel());
    env.put("cores", Runtime.getRuntime().availableProcessors());
    env.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1 << 20));
    return env;
  }

  public static void write(Path target, List<String> command, Normalization normalization, double[] classWeights,
      long parameters, Map<String, Object> extra) {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("started", Instant.now().toString());
    info.put("command", command);
    info.put("environment", environment());
    info.put("normalization", Map.of("mean", normalization.mean(), "std", normalization.std()));
    info.put("class_weights", classWeights);
    info.put("parameters", parameters);
    info.putAll(extra);
    org.unettf.io.AtomicFiles.writeString(target, GSON.toJson(info) + "\n");
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

  public static String version() {
    String v = RunInfo.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** The commit unet-tf was built from, as the build recorded it; "unknown" outside a git checkout. */
  public static String gitCommit() {
    try (InputStream in = RunInfo.class.getResourceAsStream("/org/unettf/git.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties git = new Properties();
      git.load(in);
      String commit = git.getProperty("git.commit.id.abbrev", "unknown");
      return Boolean.parseBoolean(git.getProperty("git.dirty")) ? commit + "-dirty" : commit;
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // Not Linux: the architecture is all we know.
    }
    return System.getProperty("os.arch");
  }

  public static Gson gson() {
    return GSON;
  }
}
