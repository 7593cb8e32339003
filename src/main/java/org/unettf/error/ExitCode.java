package org.unettf.error;

/** Process exit codes; the README's exit-code table lists the same values. */
public enum ExitCode {
  OK(0),
  INTERNAL(1),
  /** Bad command line or configuration. */
  CONFIG(2),
  /** Unreadable or inconsistent input images, labels or stacks. */
  INPUT(3),
  /** A SavedModel or checkpoint that cannot be used. */
  MODEL(4),
  /** An output that cannot be written, or that exists already. */
  OUTPUT(5),
  /** Training produced a NaN or Inf loss. */
  DIVERGED(6),
  /** Not enough memory for the requested tile or batch. */
  MEMORY(7),
  INTERRUPTED(130),
  TERMINATED(143);

  public final int code;

  ExitCode(int code) {
    this.code = code;
  }
}
