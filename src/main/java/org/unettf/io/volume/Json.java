package org.unettf.io.volume;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.ToNumberPolicy;
import com.google.gson.reflect.TypeToken;
import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.unettf.error.UserError;
import org.unettf.io.AtomicFiles;

/** The JSON metadata of Zarr and N5: read into plain maps, lists, strings and numbers; written atomically. */
final class Json {
  private static final Type MAP = new TypeToken<Map<String, Object>>() {}.getType();
  // Integers stay longs, so shapes and levels compare equal after a round trip.
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping()
      .serializeSpecialFloatingPointValues().setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE).create();
  private static final Gson COMPACT = new GsonBuilder().serializeNulls().disableHtmlEscaping()
      .serializeSpecialFloatingPointValues().create();

  private Json() {}

  /** The object in {@code file}, or null if there is no such file. */
  static Map<String, Object> readIfExists(Path file, String describe) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw UserError.input(describe + ": cannot read " + file + " (" + AtomicFiles.describe(e) + ")");
    }
    try {
      Map<String, Object> map = GSON.fromJson(text, MAP);
      if (map == null) {
        throw new JsonParseException("the file is empty");
      }
      return map;
    } catch (JsonParseException | IllegalStateException | ClassCastException e) {
      // Gson wraps the parser's own exception, whose message alone says where the text goes wrong.
      Throwable reason = e.getCause() != null ? e.getCause() : e;
      throw UserError.input(describe + ": " + file + " is not a JSON object (" + firstLine(reason.getMessage()) + ")");
    }
  }

  static void write(Path file, Map<String, Object> map) {
    AtomicFiles.writeString(file, GSON.toJson(map) + "\n");
  }

  /** A deep copy made of the plain values JSON holds, so later changes by the caller cannot reach it. */
  static Map<String, Object> copy(Map<String, Object> map) {
    return map == null ? Map.of() : Collections.unmodifiableMap(GSON.fromJson(GSON.toJson(map), MAP));
  }

  /** Whether two values (maps, lists, numbers, strings or null) are the same JSON. */
  static boolean same(Object a, Object b) {
    return GSON.toJsonTree(a).equals(GSON.toJsonTree(b));
  }

  static String compact(Object value) {
    return COMPACT.toJson(value);
  }

  /** A list of whole numbers, or null if {@code value} is not one. */
  static long[] longs(Object value) {
    if (!(value instanceof List<?> list)) {
      return null;
    }
    long[] out = new long[list.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(list.get(i) instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
        return null;
      }
      out[i] = n.longValue();
    }
    return out;
  }

  static Map<String, Object> ordered() {
    return new LinkedHashMap<>();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
