package org.unettf.io.volume;

/** What {@link Volumes#create} does when the output is there already. */
public enum IfExists {
  /** Open it to carry on writing if its shape, chunks, type and compression match; refuse if not. */
  RESUME,
  /** Delete it and start afresh. */
  OVERWRITE,
  /** Refuse. */
  FAIL
}
