package org.unettf.infer.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.unettf.TestData;
import org.unettf.cli.Main;
import org.unettf.io.AtomicFiles;
import org.unettf.io.LabelStack;
import org.unettf.io.StackReader;
import org.unettf.io.StackWriter;

/**
 * Tiny networks trained for a few steps through the real {@code train} command, once per test JVM:
 * their weights are nearly random, which is all that comparisons of one prediction with another
 * need, and they predict a 512² slice in milliseconds.
 */
final class TinyModels {
  private static Path valid;
  private static Path sameRgb;
  private static Path root;

  private TinyModels() {}

  /** 3 levels, 4 filters, valid padding, grey, 2 classes (membrane, cell). */
  static synchronized Path valid() {
    if (valid == null) {
      valid = train("valid", "model: {depth: 3, filters: 4}\ntile: {size: 124}\n", TestData.labels(), "");
    }
    return valid;
  }

  /** 3 levels, 4 filters, same padding, RGB, 3 classes (membrane 0, left 128, cell 255). */
  static synchronized Path sameRgb() {
    if (sameRgb == null) {
      sameRgb = train("same", "model: {depth: 3, filters: 4, padding: same, channels: 3}\ntile: {size: 96}\n",
          threeClassLabels(), "  classes: {0: membrane, 128: left, 255: cell}\n");
    }
    return sameRgb;
  }

  /** Result of a command run in this JVM. */
  record Run(int code, String out, String err) {
    String errorLine() {
      String[] lines = err.strip().split("\n");
      if (lines.length != 1 || !lines[0].startsWith("error: ")) {
        throw new AssertionError("expected one 'error:' line, got:\n" + err + "\nout:\n" + out);
      }
      return lines[0];
    }
  }

  static Run cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static Run predict(Path model, String input, String output, String... more) {
    List<String> args = new ArrayList<>(List.of("predict", "--model", model.toString(), "--input", input, "--output",
        output));
    args.addAll(List.of(more));
    return cli(args.toArray(String[]::new));
  }

  private static synchronized Path root() {
    if (root == null) {
      try {
        root = Files.createTempDirectory("unet-tf-tiny-models");
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      Path dir = root;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> AtomicFiles.deleteQuietly(dir)));
    }
    return root;
  }

  private static Path train(String name, String network, Path labels, String classes) {
    Path dir = root();
    Path config = dir.resolve(name + ".yaml");
    try {
      Files.writeString(config, network + "data:\n  images: " + TestData.volume() + "\n  labels: " + labels + "\n"
          + "  validation_slices: 28-29\n" + classes
          + "train: {steps: 4, batch: 1, validate_every: 4, checkpoint_every: 4, summary_every: 2}\n"
          + "output: {dir: " + dir.resolve("runs") + ", name: " + name + "}\n");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Run r = cli("train", config.toString());
    assertEquals(0, r.code(), r.err());
    return dir.resolve("runs").resolve(name).resolve("savedmodel").resolve("unet").resolve("1");
  }

  /** ISBI's labels with the cells of each slice's left half made a third class. */
  private static Path threeClassLabels() {
    LabelStack labels = StackReader.readLabels(TestData.labels(), "labels");
    List<byte[]> slices = new ArrayList<>();
    for (int z = 0; z < labels.depth(); z++) {
      byte[] classes = labels.slice(z);
      byte[] values = new byte[classes.length];
      for (int i = 0; i < classes.length; i++) {
        boolean left = i % labels.width() < labels.width() / 2;
        values[i] = (byte) (classes[i] == 0 ? 0 : left ? 128 : 255);
      }
      slices.add(values);
    }
    Path file = root().resolve("labels-3.tif");
    StackWriter.writeByteTiff(file, labels.width(), labels.height(), slices);
    return file;
  }
}
