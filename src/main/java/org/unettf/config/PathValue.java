package org.unettf.config;

import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import org.unettf.error.UserError;

/**
 * Paths from configs and command lines. Java encodes file names in the locale's character set, so
 * under {@code LC_ALL=C} a name with non-ASCII characters cannot even be formed: that is a
 * locale to fix, and the message says so, showing the name in escapes the terminal can print.
 */
public final class PathValue {
  private PathValue() {}

  /** {@code text} as a path, or a one-line error naming {@code what} (a key or option; null: none). */
  public static Path parse(String what, String text) {
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      String charset = System.getProperty("sun.jnu.encoding", Charset.defaultCharset().name());
      if (!encodable(text, charset)) {
        throw UserError.config(prefix(what) + "the path '" + readable(text) + "' has characters that the locale's character "
            + "set (" + charset + ") cannot hold in a file name; run under a UTF-8 locale, e.g. LC_ALL=C.UTF-8");
      }
      throw UserError.config(prefix(what) + "expected a file or folder path, found '" + readable(text) + "' ("
          + e.getReason() + ")");
    }
  }

  private static String prefix(String what) {
    return what == null ? "" : what + ": ";
  }

  /** Non-ASCII characters as {@code \\uXXXX}, so that any terminal shows what was given. */
  static String readable(String text) {
    StringBuilder out = new StringBuilder();
    for (char c : text.toCharArray()) {
      if (c >= 0x20 && c < 0x7f) {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    return out.toString();
  }

  private static boolean encodable(String text, String charset) {
    try {
      CharsetEncoder encoder = Charset.forName(charset).newEncoder();
      return encoder.canEncode(text);
    } catch (RuntimeException e) {
      return true;
    }
  }
}
