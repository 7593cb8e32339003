package org.unettf.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's config reference is the schema's, key for key, and the schema covers every key read. */
class SchemaReferenceTest {
  private static final String START = "<!-- config reference: generated from src/main/java/org/unettf/config/Schema.java;"
      + " a test keeps the two equal -->\n";
  private static final String END = "<!-- end of config reference -->";

  @Test
  void theReadmesReferenceIsTheSchemas() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    int start = readme.indexOf(START);
    int end = readme.indexOf(END);
    assertTrue(start >= 0 && end > start, "the README marks its config reference");
    assertEquals(Schema.reference(), readme.substring(start + START.length(), end),
        "README.md's config reference differs from Schema.reference(); paste the latter in");
  }

  /** Every key the resolved config holds is in the reference, and nothing else is. */
  @Test
  void theReferenceListsEveryKeyOfTheResolvedConfig() {
    RunConfig config = ConfigLoader.parse("data: {images: a.tif, labels: b.tif}\n", "c.yaml");
    List<String> written = new ArrayList<>();
    collect("", Schema.write(config), written);
    List<String> listed = Schema.reference().lines().skip(2)
        .map(row -> row.substring(3, row.indexOf('`', 3))).toList();
    assertEquals(written, listed);
  }

  @SuppressWarnings("unchecked")
  private static void collect(String prefix, Map<String, Object> values, List<String> out) {
    for (var entry : values.entrySet()) {
      boolean section = entry.getValue() instanceof Map<?, ?> && !entry.getKey().equals("classes");
      if (section) {
        collect(prefix + entry.getKey() + ".", (Map<String, Object>) entry.getValue(), out);
      } else {
        out.add(prefix + entry.getKey());
      }
    }
  }
}
