package org.unettf.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.unettf.Isbi;

/**
 * The ISBI 2012 stacks committed in data/isbi2012 hold the challenge's pixels: their SHA-256 equals
 * the one tools/fetch-isbi.sh checks downloads against, so the two can never disagree.
 */
@Isbi
class IsbiDataTest {
  @ParameterizedTest
  @ValueSource(strings = {"train-volume", "train-labels", "test-volume"})
  void committedStackHasTheChallengesPixels(String stack) throws Exception {
    ImageStack images = StackReader.readImages(Path.of("data", "isbi2012", stack + ".tif"), stack, s -> { });
    assertEquals(30, images.depth());
    assertEquals(512, images.width());
    assertEquals(512, images.height());
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (int z = 0; z < images.depth(); z++) {
      float[] slice = images.slice(z);
      byte[] bytes = new byte[slice.length];
      for (int i = 0; i < slice.length; i++) {
        bytes[i] = (byte) Math.round(slice[i] * 255);
      }
      sha.update(bytes);
    }
    assertEquals(expectedHash(stack), HexFormat.of().formatHex(sha.digest()), stack + ".tif's pixels");
  }

  private static String expectedHash(String stack) throws Exception {
    String script = Files.readString(Path.of("tools", "fetch-isbi.sh"));
    Matcher m = Pattern.compile("\\[" + stack + "\\]=([0-9a-f]{64})").matcher(script);
    if (!m.find()) {
      throw new AssertionError("tools/fetch-isbi.sh names no pixel hash for " + stack);
    }
    return m.group(1);
  }
}
