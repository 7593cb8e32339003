package org.unettf.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the real CLI entry point in-process and captures what it prints. */
record Cli(int code, String out, String err) {
  static Cli run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The single error line, checked to be exactly one line without a stack trace. */
  String errorLine() {
    String[] lines = err.strip().split("\n");
    if (lines.length != 1 || !lines[0].startsWith("error: ")) {
      throw new AssertionError("expected one 'error:' line, got:\n" + err);
    }
    return lines[0];
  }
}
