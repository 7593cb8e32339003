package org.unettf.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * Writes a config back as YAML under the keys {@link Schema} declares, so a run's resolved config
 * reloads to the same records.
 */
public final class ConfigWriter {
  private ConfigWriter() {}

  public static String toYaml(RunConfig config) {
    return toYaml(Schema.write(config));
  }

  /** Plain maps, lists and scalars as block-style YAML. */
  public static String toYaml(Map<String, Object> values) {
    DumpSettings settings = DumpSettings.builder()
        .setDefaultFlowStyle(FlowStyle.BLOCK)
        .setIndent(2)
        .build();
    return new Dump(settings).dumpToString(copy(values));
  }

  /**
   * The same tree with every map and list a fresh object: the YAML writer marks an object it meets
   * twice (such as two defaults that are one empty list) with an anchor and an alias, which a reader
   * of a run's config should not have to decode.
   */
  private static Object copy(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> copied = new LinkedHashMap<>();
      map.forEach((k, v) -> copied.put(k, copy(v)));
      return copied;
    }
    if (value instanceof List<?> list) {
      List<Object> copied = new ArrayList<>();
      list.forEach(v -> copied.add(copy(v)));
      return copied;
    }
    return value;
  }
}
