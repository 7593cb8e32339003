package org.unettf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The packaged jar, run as a user runs it: {@code java [JVM options] -jar target/unet-tf.jar ...}. */
final class Jar {
  static final Path JAR = Path.of("target", "unet-tf.jar");

  private Jar() {}

  /** The finished run of a command: its exit code and everything it printed. */
  record Result(int code, String output) {
    /** The one error line, TensorFlow's own start-up logging aside; no stack trace. */
    String errorLine() {
      List<String> errors = output.lines().filter(l -> l.startsWith("error: ")).toList();
      assertEquals(1, errors.size(), output);
      assertFalse(output.contains("\tat ") || output.contains("Exception in thread"), output);
      return errors.get(0);
    }
  }

  static ProcessBuilder command(List<String> jvm, String... args) {
    assertTrue(Files.isRegularFile(JAR), JAR + " is built by mvn package before the integration tests");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvm);
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    return pb;
  }

  static Result run(List<String> jvm, String... args) throws IOException, InterruptedException {
    File log = File.createTempFile("unet-tf-jar", ".log");
    try {
      Process p = command(jvm, args).redirectOutput(log).start();
      assertTrue(p.waitFor(10, TimeUnit.MINUTES), String.join(" ", args) + " did not finish");
      return new Result(p.exitValue(), Files.readString(log.toPath(), StandardCharsets.UTF_8));
    } finally {
      log.delete();
    }
  }

  static Result run(String... args) throws IOException, InterruptedException {
    return run(List.of(), args);
  }
}
