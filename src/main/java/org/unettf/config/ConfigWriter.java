package org.unettf.config;

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
    return new Dump(settings).dumpToString(values);
  }
}
