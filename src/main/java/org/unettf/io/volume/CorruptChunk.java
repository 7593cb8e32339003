package org.unettf.io.volume;

/** Stored chunk bytes that do not decode; the message says what was expected and what was found. */
final class CorruptChunk extends Exception {
  CorruptChunk(String message) {
    super(message);
  }

  CorruptChunk(String message, Throwable cause) {
    super(message, cause);
  }
}
