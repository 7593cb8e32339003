package org.unettf.io.volume;

import java.util.Map;

/**
 * What every volume knows once opened and never changes: the name it goes by in messages, its
 * element type and its user attributes.
 */
abstract class AbstractVolume implements Volume {
  final String describe;
  final DType dtype;
  private final Map<String, Object> attributes;

  /** Copies {@code attributes}, so the caller's later changes cannot reach the volume. */
  AbstractVolume(String describe, DType dtype, Map<String, Object> attributes) {
    this.describe = describe;
    this.dtype = dtype;
    this.attributes = Json.copy(attributes);
  }

  @Override
  public String describe() {
    return describe;
  }

  @Override
  public DType dtype() {
    return dtype;
  }

  @Override
  public Map<String, Object> attributes() {
    return attributes;
  }
}
