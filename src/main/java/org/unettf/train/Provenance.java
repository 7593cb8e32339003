package org.unettf.train;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.unettf.model.Sessions;

/**
 * What produced an artefact: unet-tf and the commit it was built from, TensorFlow, Java, the
 * machine, the command line and when. One record for run.json, model cards, metrics.json and
 * bench, under the same keys everywhere.
 */
public record Provenance(String unetTf, String gitCommit, String tensorflow, String java, String os, String cpu,
    int cores, long maxHeapMb, List<String> command, Instant at) {

  /** This process, now. */
  public static Provenance current() {
    return new Provenance(version(), commit(), Sessions.TensorFlowVersion.VERSION,
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
        cpuModel(), Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() / (1 << 20),
        ProcessHandle.current().info().arguments().map(List::of).orElse(List.of()), Instant.now());
  }

  /** The software and machine, as run.json's and metrics.json's "environment" holds them. */
  public Map<String, Object> environment() {
    Map<String, Object> env = new LinkedHashMap<>();
    env.put("unet_tf", unetTf);
    env.put("git_commit", gitCommit);
    env.put("tensorflow", tensorflow);
    env.put("java", java);
    env.put("os", os);
    env.put("cpu", cpu);
    env.put("cores", cores);
    env.put("max_heap_mb", maxHeapMb);
    return env;
  }

  public static String version() {
    String v = Provenance.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** The commit unet-tf was built from, as the build recorded it; "unknown" outside a git checkout. */
  public static String commit() {
    try (InputStream in = Provenance.class.getResourceAsStream("/org/unettf/git.properties")) {
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
}
