package org.unettf.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unettf.Isbi;
import org.unettf.TestData;

/** tools/fetch-isbi.sh against a local mirror laid out like the public one. */
@Isbi
class FetchIsbiScriptTest {
  @TempDir
  Path dir;

  @Test
  void assemblesAndChecksTheStacks() throws Exception {
    Path mirror = dir.resolve("mirror");
    Map<String, String> layout = Map.of("train-volume", "train/image", "train-labels", "train/label",
        "test-volume", "test");
    for (var entry : layout.entrySet()) {
      Path folder = Files.createDirectories(mirror.resolve(entry.getValue()));
      ImageStack stack = StackReader.readImages(TestData.isbi().resolve(entry.getKey() + ".tif"), "x", s -> { });
      for (int z = 0; z < stack.depth(); z++) {
        ImageIO.write(Pictures.grey(stack.slice(z), stack.width(), stack.height()), "png",
            folder.resolve(z + ".png").toFile());
      }
    }
    Path out = dir.resolve("isbi2012");
    ProcessBuilder pb = new ProcessBuilder("bash", "tools/fetch-isbi.sh", out.toString()).redirectErrorStream(true);
    pb.environment().put("ISBI_MIRROR", mirror.toUri().toString().replaceFirst("/$", ""));
    Process p = pb.start();
    String log = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), log);
    assertTrue(log.contains("pixels as expected"), log);
    for (String name : layout.keySet()) {
      ImageStack original = StackReader.readImages(TestData.isbi().resolve(name + ".tif"), "x", s -> { });
      ImageStack fetched = StackReader.readImages(out.resolve(name + ".tif"), "x", s -> { });
      assertEquals(30, fetched.depth());
      assertArrayEquals(original.slice(29), fetched.slice(29));
    }
  }

  @Test
  void failsClearlyWhenTheMirrorLacksASlice() throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", "tools/fetch-isbi.sh", dir.resolve("out").toString())
        .redirectErrorStream(true);
    pb.environment().put("ISBI_MIRROR", dir.resolve("nothing").toUri().toString());
    Process p = pb.start();
    String log = new String(p.getInputStream().readAllBytes());
    assertEquals(1, p.waitFor(), log);
    assertTrue(log.contains("error: cannot download"), log);
    assertTrue(!Files.exists(dir.resolve("out").resolve("train-volume.tif")));
  }
}
