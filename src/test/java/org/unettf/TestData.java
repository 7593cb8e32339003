package org.unettf;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.unettf.config.ConfigLoader;
import org.unettf.config.RunConfig;

/** Where the tests find the ISBI 2012 stacks, and small configs for tiny networks. */
public final class TestData {
  private TestData() {}

  /** The ISBI 2012 stacks the repository ships in data/isbi2012. */
  public static Path isbi() {
    Path dir = Path.of("data", "isbi2012");
    if (!Files.isRegularFile(dir.resolve("train-volume.tif")) || !Files.isRegularFile(dir.resolve("train-labels.tif"))) {
      fail("data/isbi2012 lacks the ISBI 2012 stacks the repository ships; restore them with git checkout data/isbi2012 "
          + "or tools/fetch-isbi.sh");
    }
    return dir;
  }

  public static Path volume() {
    return isbi().resolve("train-volume.tif");
  }

  public static Path labels() {
    return isbi().resolve("train-labels.tif");
  }

  /** A config for a tiny network on the real ISBI stacks, with extra YAML appended. */
  public static RunConfig tinyConfig(String extra) {
    return withIsbi("model: {depth: 3, filters: 8}\ntile: {size: 124}\n" + extra);
  }

  /** A config from YAML without a data section, reading the real ISBI stacks. */
  public static RunConfig withIsbi(String yaml) {
    return ConfigLoader.parse(yaml + "data: {images: " + volume() + ", labels: " + labels()
        + ", validation_slices: 27-29}\n", "test.yaml");
  }
}
