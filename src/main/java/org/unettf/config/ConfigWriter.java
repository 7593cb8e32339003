package org.unettf.config;

import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * Writes a config back as YAML under the same snake_case keys {@link ConfigLoader} reads, so a
 * run's resolved config reloads to the same records.
 */
public final class ConfigWriter {
  private ConfigWriter() {}

  public static String toYaml(Record config) {
    return toYaml(toMap(config));
  }

  /** Plain maps, lists and scalars as block-style YAML. */
  public static String toYaml(Map<String, Object> values) {
    DumpSettings settings = DumpSettings.builder()
        .setDefaultFlowStyle(FlowStyle.BLOCK)
        .setIndent(2)
        .build();
    return new Dump(settings).dumpToString(values);
  }

  /** A record as nested maps of plain values, keyed by snake_case component names. */
  public static Map<String, Object> toMap(Record record) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (RecordComponent component : record.getClass().getRecordComponents()) {
      try {
        Object value = component.getAccessor().invoke(record);
        map.put(snakeCase(component.getName()), plain(value));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    return map;
  }

  private static Object plain(Object value) {
    if (value instanceof ClassMap classes) {
      Map<Integer, String> byValue = new LinkedHashMap<>();
      for (int c = 0; c < classes.size(); c++) {
        byValue.put(classes.values().get(c), classes.names().get(c));
      }
      return byValue;
    }
    if (value instanceof Record r) {
      return toMap(r);
    }
    if (value instanceof Enum<?> e) {
      return e.name().toLowerCase(Locale.ROOT);
    }
    if (value instanceof Path p) {
      return p.toString();
    }
    if (value instanceof List<?> list) {
      return list.stream().map(ConfigWriter::plain).toList();
    }
    return value;
  }

  static String snakeCase(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }
}
