package org.unettf.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tensorflow.TensorFlow;

class NativeMemoryTrimTest {
  @Test
  void freedNativeMemoryCanBeHandedBackOnceTensorFlowIsLoaded() {
    TensorFlow.version();
    // glibc's malloc_trim through JavaCPP: whole-volume prediction relies on it to keep memory flat.
    assertTrue(NativeMemory.trim(), "JavaCPP's Pointer.trimMemory is not reachable");
  }
}
