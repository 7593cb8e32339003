package org.unettf.model;

import java.lang.reflect.Method;

/**
 * Hands memory that native code has freed back to the system. TensorFlow's tensors are allocated
 * with glibc's malloc from one arena per thread, and glibc keeps what is freed inside each arena
 * for reuse; over a long prediction, with tiles allocated and freed on several threads, the holes
 * add up to hundreds of MB of resident memory that no one uses. {@code malloc_trim(0)} releases
 * them. JavaCPP, which TF Java runs on, has it as {@code Pointer.trimMemory}, a private method, so
 * it is reached by reflection; where that fails (another C library, another JavaCPP) trimming is
 * skipped, and only memory use differs.
 */
public final class NativeMemory {
  private static final Method TRIM = find();

  private NativeMemory() {}

  /** Returns whether memory could be trimmed. */
  public static boolean trim() {
    if (TRIM == null) {
      return false;
    }
    try {
      return (Boolean) TRIM.invoke(null);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return false;
    }
  }

  private static Method find() {
    try {
      Class<?> pointer = Class.forName("org.bytedeco.javacpp.Pointer");
      Method trim = pointer.getDeclaredMethod("trimMemory");
      trim.setAccessible(true);
      return trim;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return null;
    }
  }
}
