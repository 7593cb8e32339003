package org.unettf.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.unettf.Isbi;
import org.unettf.TestData;
import org.unettf.io.StackWriter;

/**
 * What every command promises whatever else is wrong: --help and --version work, every argument is
 * checked before any work, and bad input of any kind ends in one line that says what was expected
 * and what was found, leaving every output as it was.
 */
@Isbi
class CliContractTest {
  private static final Path BUNDLED = Path.of("savedmodel", "isbi2012", "1");

  @TempDir
  Path dir;

  /** Inputs, apart from {@code dir}, whose listing some tests check. */
  @TempDir
  Path inputs;

  @ParameterizedTest
  @ValueSource(strings = {"train", "predict", "evaluate", "export", "bench"})
  void helpAndVersionWorkWithoutTheRequiredOptions(String command) {
    Cli help = Cli.run(command, "--help");
    assertEquals(0, help.code(), help.err());
    assertTrue(help.out().startsWith("Usage: unet-tf " + command), help.out());
    Cli version = Cli.run(command, "--version");
    assertEquals(0, version.code(), version.err());
    assertTrue(version.out().startsWith("unet-tf "), version.out());
    assertTrue(version.out().contains("TensorFlow 2."), version.out());
  }

  /** Each bad argument is named although the rest of the command line would fail later. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "bench missing.yaml --steps -1                        | --steps: expected a number of timed steps ≥ 1, found -1",
      "bench missing.yaml --slices 0                        | --slices: expected a number of slices ≥ 1, found 0",
      "bench missing.yaml --threads 0                       | --threads: expected a number ≥ 1, found 0",
      "predict --model missing --input x.tif --output o.tif --batch 0    | --batch and --max-tile must be ≥ 1",
      "predict --model missing --input x.tif --output o.tif --threads -2 | --threads: expected a number ≥ 0, found -2",
      "predict --model missing --input x.tif --output o.tif --device tpu | --device: expected auto, cpu or gpu:N",
      "predict --model missing --input x.tif --output o.tif --tta 9      | --tta: expected 1, 2, 4 or 8",
      "evaluate --model missing --images x --labels y --report r --slices 3-1 | --slices: expected slice numbers such as 27-29 or 0,5,9, found '3-1', a reversed range (write 1-3)",
      "evaluate --model missing --images x --labels y --report r --slices 2,-4 | found '-4', a negative number",
      "export --run missing --format onnnx                  | --format: expected savedmodel",
      "export --run missing --model-version 0               | --model-version: expected a number ≥ 1, found 0",
      "export --run missing --input-max -1                  | --input-max: expected a positive number, found -1.0",
      "export --run missing --checkpoint newest             | --checkpoint: expected best, latest or step-N, found 'newest'"})
  void argumentsAreCheckedBeforeAnyWork(String commandLine, String message) {
    long start = System.nanoTime();
    Cli r = Cli.run(commandLine.trim().split("\\s+"));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.errorLine().contains(message), r.err());
    assertTrue((System.nanoTime() - start) / 1e9 < 30, "refused at once, before loading data or models");
  }

  @Test
  void deeplyNestedYamlIsOneLine() throws Exception {
    Path config = dir.resolve("deep.yaml");
    Files.writeString(config, "model: " + "[".repeat(20_000) + "\n");
    Cli r = Cli.run("train", config.toString());
    assertEquals(2, r.code());
    assertTrue(r.errorLine().startsWith("error: " + config + ": expected a config a few levels deep"), r.err());
  }

  @Test
  void aBinaryConfigIsNotUtf8Text() throws Exception {
    Path config = dir.resolve("binary.yaml");
    Files.write(config, new byte[] {'m', 'o', 'd', (byte) 0xff, (byte) 0xfe, 0, 1});
    Cli r = Cli.run("train", config.toString());
    assertEquals(2, r.code());
    assertEquals("error: " + config + ": expected a YAML config as UTF-8 text, found byte 0xff at offset 3, which "
        + "UTF-8 text cannot hold (a binary file, or text in another encoding)", r.errorLine());
  }

  @Test
  void aConfigThatIsNoMappingSaysWhatAConfigIs() throws Exception {
    Path config = dir.resolve("list.yaml");
    Files.writeString(config, "- model\n- data\n");
    Cli r = Cli.run("train", config.toString());
    assertEquals(2, r.code());
    assertEquals("error: " + config + ":1: expected a config of sections such as 'model:' and 'data:', each holding "
        + "keys, found a list at the top level", r.errorLine());
  }

  /** Under LC_ALL=C Java cannot form a file name with non-ASCII characters: the locale is named as the fix. */
  @Test
  void nonAsciiPathsUnderTheCLocale() throws Exception {
    Path config = dir.resolve("c.yaml");
    Files.writeString(config, "data: {images: donn\u00e9es/volume.tif, labels: x.tif}\n", StandardCharsets.UTF_8);
    Run r = java(List.of("train", config.toString()));
    assertEquals(2, r.code(), r.output());
    assertEquals("error: " + config + ":1: data.images: the path 'donn\\u00e9es/volume.tif' has characters that the "
        + "locale's character set (ANSI_X3.4-1968) cannot hold in a file name; run under a UTF-8 locale, e.g. "
        + "LC_ALL=C.UTF-8", r.errorLine());

    Run argument = java(List.of("train", dir + "/r\u00e9sum\u00e9.yaml"));
    assertEquals(2, argument.code(), argument.output());
    String line = argument.errorLine();
    assertTrue(line.contains("(CONFIG): the path '"), line);
    assertTrue(line.contains("run under a UTF-8 locale, e.g. LC_ALL=C.UTF-8 (see train --help)"), line);
    assertFalse(line.contains("java."), line);
  }

  @Test
  void aSavedModelWhoseSignatureDisagreesWithItsCard() throws Exception {
    Path model = copyOfBundled("mismatch");
    Path card = model.resolve("assets.extra/unet-tf.json");
    Files.writeString(card, Files.readString(card).replace("\"channels\": 1", "\"channels\": 3"));
    Cli r = Cli.run("predict", "--model", model.toString(), "--input", TestData.volume().toString(), "--output",
        dir.resolve("p.tif").toString());
    assertEquals(4, r.code(), r.err());
    assertEquals("error: " + model + ": its assets.extra/unet-tf.json describes a model taking image [?, ?, ?, 3] and "
        + "giving probabilities [?, ?, ?, 2], but its serving_default signature takes [?, ?, ?, 1] and gives "
        + "[?, ?, ?, 2]; the card belongs to another model", r.errorLine());
    assertFalse(Files.exists(dir.resolve("p.tif")));
  }

  @Test
  void versionFoldersBeyondALongAreNoVersions() throws Exception {
    Path base = dir.resolve("served");
    Path one = copyOfBundled("served/1");
    Files.createDirectories(base.resolve("99999999999999999999"));
    Files.createDirectories(base.resolve("0042abc"));
    Cli r = Cli.run("predict", "--model", base.toString(), "--input", twoSlices().toString(), "--output",
        dir.resolve("p.tif").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("model " + one), r.out());
  }

  @Test
  void aFailingSecondOutputLeavesTheFirstAsItWas() throws Exception {
    Path probabilities = dir.resolve("a.tif");
    byte[] before = "an earlier prediction".getBytes(StandardCharsets.UTF_8);
    Files.write(probabilities, before);
    Path blocker = Files.writeString(dir.resolve("not-a-folder"), "x");
    Cli r = Cli.run("predict", "--input", twoSlices().toString(), "--output", probabilities.toString(),
        "--masks", blocker.resolve("b.tif").toString());
    assertEquals(5, r.code(), r.err());
    assertEquals("error: --masks: cannot write " + blocker.resolve("b.tif") + ": " + blocker
        + " is a file, not a folder", r.errorLine());
    assertArrayEquals(before, Files.readAllBytes(probabilities));
    try (var files = Files.list(dir)) {
      assertEquals(List.of("a.tif", "not-a-folder"), files.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void aDamagedCardNamesNoJavaClass() throws Exception {
    Path model = copyOfBundled("damaged");
    Path card = model.resolve("assets.extra/unet-tf.json");
    String json = Files.readString(card);
    Files.writeString(card, json.substring(0, json.indexOf("\"depth\"") + 9));
    Cli r = Cli.run("predict", "--model", model.toString(), "--input", TestData.volume().toString(), "--output",
        dir.resolve("p.tif").toString());
    assertEquals(4, r.code(), r.err());
    String line = r.errorLine();
    assertTrue(line.startsWith("error: " + card + " is damaged: expected a JSON object, found text that is not valid "
        + "JSON (it ends early at line "), line);
    assertTrue(line.endsWith("; export the model again"), line);
    assertFalse(line.matches(".*\\b(java|com)\\.[a-z]+\\..*"), line);

    Files.writeString(card, json.replace("\"normalization\": {", "\"normalization\": [{").replace("\n  },\n  \"margin\"",
        "\n  }],\n  \"margin\""));
    Cli wrongType = Cli.run("predict", "--model", model.toString(), "--input", TestData.volume().toString(), "--output",
        dir.resolve("p.tif").toString());
    assertEquals("error: " + card + " is damaged: expected 'normalization' to be an object, found a list; export the "
        + "model again", wrongType.errorLine());
  }

  @Test
  void floatImagesWithNanAreRefusedAtLoad() throws Exception {
    Path images = dir.resolve("nan.tif");
    float[] slice = new float[64 * 64];
    Arrays.fill(slice, 0.5f);
    slice[5 * 64 + 7] = Float.NaN;
    slice[9 * 64 + 1] = Float.POSITIVE_INFINITY;
    StackWriter.writeFloatTiff(images, 64, 64, List.of(new float[64 * 64], slice));
    Cli r = Cli.run("predict", "--input", images.toString(), "--output", dir.resolve("p.tif").toString());
    assertEquals(3, r.code(), r.err());
    assertEquals("error: --input: " + images + " slice 1 has NaN at (x=7, y=5), 2 such value(s); expected finite "
        + "intensities (float images are read as they are, ideally in [0, 1])", r.errorLine());
  }

  @Test
  void aFileWhereAFolderShouldBe() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    Cli r = Cli.run("predict", "--input", TestData.volume().toString(), "--output", file.resolve("out.tif").toString());
    assertEquals(5, r.code(), r.err());
    assertEquals("error: --output: cannot write " + file.resolve("out.tif") + ": " + file + " is a file, not a folder",
        r.errorLine());
  }

  /** Two small grey slices: all that the tests need whose point is not the prediction itself. */
  private Path twoSlices() throws Exception {
    Path images = inputs.resolve("two.tif");
    float[] slice = new float[128 * 128];
    Arrays.fill(slice, 0.5f);
    StackWriter.writeFloatTiff(images, 128, 128, List.of(slice, slice));
    return images;
  }

  private Path copyOfBundled(String name) throws Exception {
    Path target = dir.resolve(name);
    try (var walk = Files.walk(BUNDLED)) {
      for (Path p : walk.toList()) {
        Path to = target.resolve(BUNDLED.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
    return target;
  }

  /** The CLI in a JVM of its own under the C locale, as a shell with LC_ALL=C starts it. */
  private static Run java(List<String> args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "org.unettf.cli.Main"));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG"));
    pb.environment().put("LC_ALL", "C");
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "3");
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    return new Run(p.exitValue(), output);
  }

  private record Run(int code, String output) {
    /** The one error line, TensorFlow's own start-up logging aside. */
    String errorLine() {
      List<String> errors = output.lines().filter(l -> l.startsWith("error: ")).toList();
      assertEquals(1, errors.size(), output);
      assertFalse(output.contains("\tat "), output);
      return errors.get(0);
    }
  }
}
