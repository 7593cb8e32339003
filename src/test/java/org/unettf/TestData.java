package org.unettf;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.unettf.config.ConfigLoader;
import org.unettf.config.RunConfig;

/** Where the tests find the ISBI 2012 stacks, and small configs for tiny networks. */
public final class TestData {
  private TestData() {}

  /** data/isbi2012 (CI links it to ../shared/data/isbi2012), or $UNET_TF_ISBI. */
  public static Path isbi() {
    List<Path> candidates = new java.util.ArrayList<>();
    String env = System.getenv("UNET_TF_ISBI");
    if (env != null) {
      candidates.add(Path.of(env));
    }
    candidates.add(Path.of("data", "isbi2012"));
    candidates.add(Path.of("..", "shared", "data", "isbi2012"));
    for (Path p : candidates) {
      if (Files.isRegularFile(p.resolve("train-volume.tif")) && Files.isRegularFile(p.resolve("train-labels.tif"))) {
        return p;
      }
    }
    fail("the ISBI 2012 stacks are not in data/isbi2012: run tools/fetch-isbi.sh, link a copy there, or set UNET_TF_ISBI");
    return null;
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
