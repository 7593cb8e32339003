package org.unettf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.unettf.Isbi;
import org.unettf.TestData;
import org.unettf.io.AtomicFiles;
import org.unettf.io.StackReader;
import org.unettf.io.StackWriter;

/** Every bad input gets one clear line, its exit code, and leaves no run folder behind. */
@Isbi
class BadInputTest {
  @TempDir
  Path dir;

  private Path config(String images, String labels, String extra) throws Exception {
    Path file = dir.resolve("c.yaml");
    Files.writeString(file, "model: {depth: 3, filters: 4}\ntile: {size: 124}\ntrain: {steps: 2, validate_every: 2}\n"
        + "data: {images: " + images + ", labels: " + labels + "}\noutput: {dir: " + dir.resolve("runs") + "}\n" + extra);
    return file;
  }

  private Cli train(Path config) {
    Cli result = Cli.run("train", config.toString());
    assertFalse(Files.exists(dir.resolve("runs")), "no run folder is left behind");
    return result;
  }

  @Test
  void aMissingStackSaysWhereToGetTheIsbiData() throws Exception {
    Cli r = train(config("data/isbi2012/nope-volume.tif", TestData.labels().toString(), ""));
    assertEquals(3, r.code());
    String line = r.errorLine();
    assertTrue(line.contains("data.images: data/isbi2012/nope-volume.tif not found"), line);
    assertTrue(line.contains("tools/fetch-isbi.sh"), line);
  }

  @Test
  void aTruncatedTiff() throws Exception {
    Path cut = dir.resolve("cut.tif");
    byte[] all = Files.readAllBytes(TestData.volume());
    Files.write(cut, Arrays.copyOf(all, all.length / 3));
    Cli r = train(config(cut.toString(), TestData.labels().toString(), ""));
    assertEquals(3, r.code());
    assertTrue(r.errorLine().contains("data.images: " + cut + " is corrupt or truncated"), r.err());
  }

  @Test
  void anEmptyFile() throws Exception {
    Path empty = Files.createFile(dir.resolve("empty.tif"));
    Cli r = train(config(empty.toString(), TestData.labels().toString(), ""));
    assertEquals(3, r.code());
    assertEquals("error: data.images: " + empty + " is empty (0 bytes)", r.errorLine());
  }

  @Test
  void aPngNamedTif() throws Exception {
    Path png = dir.resolve("slice.tif");
    ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY), "png", png.toFile());
    Cli r = train(config(png.toString(), TestData.labels().toString(), ""));
    assertEquals(3, r.code());
    assertTrue(r.errorLine().contains("holds a PNG image but its name says TIFF"), r.err());
  }

  @Test
  void stacksOfDifferentSliceCounts() throws Exception {
    Path few = dir.resolve("few.tif");
    var volume = StackReader.readLabels(TestData.labels(), "x");
    StackWriter.writeByteTiff(few, volume.width(), volume.height(),
        List.of(scale(volume.slice(0)), scale(volume.slice(1))));
    Cli r = train(config(TestData.volume().toString(), few.toString(), ""));
    assertEquals(3, r.code());
    assertTrue(r.errorLine().contains("data.labels: " + few + " has 2 slices but data.images"), r.err());
  }

  @Test
  void labelsWithGreyValues() throws Exception {
    Path grey = dir.resolve("grey.tif");
    byte[] slice = new byte[64 * 64];
    slice[70] = (byte) 128;
    StackWriter.writeByteTiff(grey, 64, 64, List.of(slice, slice));
    Cli r = train(config(grey.toString(), grey.toString(), ""));
    assertEquals(3, r.code());
    assertTrue(r.errorLine().contains("slice 0 has label value 128 at (x=6, y=1), 1 such pixels; expected only 0 (membrane), 255 (cell)"),
        r.err());
  }

  @Test
  void rgbLabels() throws Exception {
    Path rgb = dir.resolve("rgb.png");
    ImageIO.write(new BufferedImage(16, 16, BufferedImage.TYPE_3BYTE_BGR), "png", rgb.toFile());
    Cli r = train(config(rgb.toString(), rgb.toString(), ""));
    assertEquals(3, r.code());
    assertTrue(r.errorLine().contains("data.labels: " + rgb + " holds 8-bit 3-channel labels"), r.err());
  }

  @Test
  void configErrorsExitWithTwo() throws Exception {
    Cli r = train(config(TestData.volume().toString(), TestData.labels().toString(), "modle: {depth: 3}\n"));
    assertEquals(2, r.code());
    assertTrue(r.errorLine().contains("modle: unknown key; did you mean 'model'?"), r.err());
  }

  @Test
  void aTileLargerThanTheSlices() throws Exception {
    Path small = dir.resolve("small.tif");
    byte[] slice = new byte[60 * 60];
    StackWriter.writeByteTiff(small, 60, 60, List.of(slice, slice, slice));
    Cli r = train(config(small.toString(), small.toString(), ""));
    assertEquals(2, r.code());
    assertTrue(r.errorLine().contains("tile.size: 124 gives 84 px outputs, larger than the 60×60 slices"), r.err());
  }

  @Test
  void unknownOptionsAndMissingArguments() {
    Cli r = Cli.run("predict", "--input", "x.tif");
    assertEquals(2, r.code());
    assertTrue(r.errorLine().contains("--output"), r.err());
    Cli t = Cli.run("train");
    assertEquals(2, t.code());
    assertTrue(t.errorLine().contains("CONFIG"), t.err());
  }

  @Test
  void aFolderThatIsNoSavedModel() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("model"));
    Cli r = Cli.run("predict", "--model", empty.toString(), "--input", TestData.volume().toString(), "--output",
        dir.resolve("p.tif").toString());
    assertEquals(4, r.code());
    assertTrue(r.errorLine().contains("has no saved_model.pb"), r.err());
    assertFalse(Files.exists(dir.resolve("p.tif")));
  }

  private static Path corpus(String name) throws Exception {
    return Path.of(BadInputTest.class.getResource("/bad/" + name).toURI());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "tabs.yaml           | :2:.*YAML does not allow tab characters for indentation; use spaces",
      "duplicate-keys.yaml | :4: model.depth: duplicate key \\(first given on line 2\\)",
      "unknown-keys.yaml   | :3: model.filtres: unknown key; did you mean 'filters'\\?.*",
      "negative-sizes.yaml | :3: model.filters: expected an integer from 1 to 1024, found -8"})
  void corpusConfigs(String file, String message) throws Exception {
    Path config = corpus(file);
    Cli r = Cli.run("train", config.toString());
    assertEquals(2, r.code());
    assertTrue(r.errorLine().matches("error: " + Pattern.quote(config.toString()) + message), r.err());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "zero-byte.tif   | is empty \\(0 bytes\\)",
      "png-renamed.tif | holds a PNG image but its name says TIFF; rename it to match its content"})
  void corpusImages(String file, String message) throws Exception {
    Path image = corpus(file);
    Cli r = train(config(image.toString(), TestData.labels().toString(), ""));
    assertEquals(3, r.code());
    assertTrue(r.errorLine().matches("error: data.images: " + Pattern.quote(image.toString()) + " "
        + message), r.err());
  }

  @Test
  void corpusSavedModelWithoutItsGraph() throws Exception {
    Path model = corpus("savedmodel-without-pb");
    Cli r = Cli.run("predict", "--model", model.toString(), "--input", TestData.volume().toString(), "--output",
        dir.resolve("p.tif").toString());
    assertEquals(4, r.code());
    assertEquals("error: " + model + " has no saved_model.pb: not a SavedModel folder", r.errorLine());
  }

  @Test
  void aSavedModelWithAForeignSignature() throws Exception {
    Path foreign = dir.resolve("foreign");
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      var x = tf.withName("x").placeholder(TFloat32.class);
      var y = tf.withName("y").math.mul(x, tf.constant(2f));
      SavedModelBundle.exporter(foreign.toString()).withSession(s)
          .withSignature(Signature.builder().input("x", x).output("y", y).build()).export();
    }
    Cli noCard = Cli.run("predict", "--model", foreign.toString(), "--input", TestData.volume().toString(), "--output",
        dir.resolve("p.tif").toString());
    assertEquals(4, noCard.code());
    assertTrue(noCard.errorLine().contains("it is not a SavedModel exported by unet-tf"), noCard.err());

    Path card = foreign.resolve("assets.extra/unet-tf.json");
    Files.createDirectories(card.getParent());
    Files.writeString(card, "{\"format\": \"unet-tf/1\", \"model\": {\"depth\": 3, \"filters\": 4}, "
        + "\"normalization\": {\"mean\": 0.5, \"std\": 0.2}}");
    Cli wrongSignature = Cli.run("predict", "--model", foreign.toString(), "--input", TestData.volume().toString(),
        "--output", dir.resolve("p.tif").toString());
    assertEquals(4, wrongSignature.code());
    assertTrue(wrongSignature.errorLine().contains("has no serving_default signature taking 'image' and giving "
        + "'probabilities'"), wrongSignature.err());
  }

  @Test
  void sixteenBitAndRgbImagesAreConvertedWithANotice() throws Exception {
    var volume = StackReader.readImages(TestData.volume(), "x", s -> { });
    Path sixteen = dir.resolve("sixteen.tif");
    Path rgb = dir.resolve("rgb.tif");
    List<BufferedImage> wide = new ArrayList<>();
    List<BufferedImage> colour = new ArrayList<>();
    for (int z = 0; z < volume.depth(); z++) {
      var w = new BufferedImage(512, 512, BufferedImage.TYPE_USHORT_GRAY);
      var c = new BufferedImage(512, 512, BufferedImage.TYPE_3BYTE_BGR);
      for (int i = 0; i < 512 * 512; i++) {
        int v = Math.round(volume.slice(z)[i] * 255);
        w.getRaster().setSample(i % 512, i / 512, 0, v * 257);
        c.getRaster().setPixel(i % 512, i / 512, new int[] {v, v, v});
      }
      wide.add(w);
      colour.add(c);
    }
    writePages(sixteen, wide);
    writePages(rgb, colour);
    for (Path images : List.of(sixteen, rgb)) {
      Cli r = Cli.run("train", config(images.toString(), TestData.labels().toString(), "").toString());
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().contains("data.images: " + images + (images == rgb ? " is RGB; using its luma" : " is 16-bit; scaling it")),
          r.out());
      AtomicFiles.deleteQuietly(dir.resolve("runs"));
      Cli asLabels = Cli.run("train", config(TestData.volume().toString(), images.toString(), "").toString());
      assertEquals(3, asLabels.code());
      assertTrue(asLabels.errorLine().contains(images == rgb
          ? "data.labels: " + images + " holds 8-bit 3-channel labels"
          : "data.labels: " + images + " slice 0 has label value"), asLabels.err());
    }
  }

  private static void writePages(Path file, List<BufferedImage> pages) throws Exception {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("tiff").next();
    try (var out = ImageIO.createImageOutputStream(file.toFile())) {
      writer.setOutput(out);
      writer.prepareWriteSequence(null);
      for (var page : pages) {
        writer.writeToSequence(new IIOImage(page, null, null), null);
      }
      writer.endWriteSequence();
    }
  }

  private static byte[] scale(byte[] classes) {
    byte[] out = new byte[classes.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) (classes[i] * 255);
    }
    return out;
  }
}
