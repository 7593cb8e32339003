package org.unettf.error;

/**
 * A failure the user can fix: the CLI prints its one-line message, without a stack trace, and exits
 * with its code.
 */
public final class UserError extends RuntimeException {
  private final ExitCode exitCode;

  public UserError(ExitCode exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public UserError(ExitCode exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public ExitCode exitCode() {
    return exitCode;
  }

  public static UserError config(String message) {
    return new UserError(ExitCode.CONFIG, message);
  }

  public static UserError input(String message) {
    return new UserError(ExitCode.INPUT, message);
  }

  public static UserError model(String message) {
    return new UserError(ExitCode.MODEL, message);
  }

  public static UserError output(String message) {
    return new UserError(ExitCode.OUTPUT, message);
  }
}
