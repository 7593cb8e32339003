package org.unettf.config;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Runs go to {@code dir/name}. The name may hold {@code {time}}, replaced by the start time; the
 * default is {@code {config}-{time}}, {@code {config}} being the config's file name.
 */
public record OutputConfig(Path dir, String name) {

  /** The run directory for a run started at {@code start}. */
  public Path runDirectory(LocalDateTime start) {
    return dir.resolve(name.replace("{time}", start.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))));
  }
}
