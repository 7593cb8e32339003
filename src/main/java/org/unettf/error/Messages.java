package org.unettf.error;

/** The parts of other libraries' error messages worth a user's line. */
public final class Messages {
  private Messages() {}

  /** The first line, without TensorFlow's node annotations ({@code [[{{node save/Save}}]] ...}). */
  public static String firstLine(String message) {
    String text = message == null ? "" : message.strip();
    int newline = text.indexOf('\n');
    if (newline >= 0) {
      text = text.substring(0, newline);
    }
    int node = text.indexOf("[[");
    return (node >= 0 ? text.substring(0, node) : text).strip();
  }

  /** Whether the file system ran out of space somewhere under {@code failure}. */
  public static boolean diskFull(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (String.valueOf(cause.getMessage()).contains("No space left on device")) {
        return true;
      }
    }
    return false;
  }

  /** {@code firstLine}, marked "disk full: " where that is what it means. */
  public static String reason(Throwable failure) {
    String line = firstLine(failure.getMessage());
    return diskFull(failure) ? "disk full: " + line : line;
  }
}
