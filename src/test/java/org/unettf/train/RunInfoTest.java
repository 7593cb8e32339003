package org.unettf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RunInfoTest {
  @Test
  void gitCommitIsTheCommitTheBuildCameFrom() throws Exception {
    Process git = new ProcessBuilder("git", "rev-parse", "--short=12", "HEAD").start();
    String head = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assumeTrue(git.waitFor() == 0, "not built from a git checkout");
    // The build recorded HEAD; "-dirty" marks uncommitted changes to tracked files.
    assertEquals(head, Provenance.commit().replaceFirst("-dirty$", ""));
  }
}
