package org.unettf.io.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs short inline Python scripts as an independent check on the formats: zarr-python, numcodecs,
 * h5py and tifffile write what Java reads and read what Java writes. Tests skip, saying why, where
 * the interpreter or a module is missing.
 */
final class Python {
  /** Debian's interpreter carries the apt-installed modules; a python3 first on PATH may not. */
  private static final String INTERPRETER = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3"
      : "python3";
  private static final Map<String, String> MISSING = new ConcurrentHashMap<>();

  private Python() {}

  /** Skips the calling test unless every module imports. */
  static void assume(String... modules) {
    String imports = String.join(", ", modules);
    String problem = MISSING.computeIfAbsent(imports, key -> {
      try {
        Result result = exec(Path.of("."), "import " + key);
        return result.code() == 0 ? "" : result.output().trim();
      } catch (IOException e) {
        return e.getMessage();
      }
    });
    assumeTrue(problem.isEmpty(), "needs " + INTERPRETER + " with " + imports + " for the cross-check: " + problem);
  }

  /** Runs {@code script} in {@code dir} with {@code args} as sys.argv[1:]; fails the test if it fails. */
  static String run(Path dir, String script, String... args) throws IOException {
    Result result = exec(dir, script, args);
    assertEquals(0, result.code(), () -> "Python failed:\n" + result.output());
    return result.output();
  }

  record Result(int code, String output) {}

  private static Result exec(Path dir, String script, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(INTERPRETER, "-c", script));
    command.addAll(List.of(args));
    Process process;
    try {
      process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      return new Result(-1, "cannot start " + INTERPRETER + " (" + e.getMessage() + ")");
    }
    byte[] output = process.getInputStream().readAllBytes();
    try {
      if (!process.waitFor(300, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Result(-1, "timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return new Result(-1, "interrupted");
    }
    return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }
}
