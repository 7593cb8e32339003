package org.unettf;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Tests that read the ISBI 2012 stacks or the bundled model, and train or predict on them: the
 * slower half of the suite. {@code mvn verify -DskipSlowTests} leaves them (and the packaged-jar
 * integration tests) out; the README's test command runs everything.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("isbi")
public @interface Isbi {}
