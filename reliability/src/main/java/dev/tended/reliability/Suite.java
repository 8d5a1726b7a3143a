package dev.tended.reliability;

import dev.tended.testkit.Jars;
import java.nio.file.Path;

/**
 * What every scenario gets: the profile, the product's jars, and a scratch folder of its own.
 *
 * @param profile how hard to push
 * @param jars the worker and supervisor jars and {@code deploy/jvm.options}
 * @param work a temporary folder; each scenario makes its own sub-folder
 * @param root the source tree (for {@code deploy/})
 */
record Suite(Profile profile, Jars jars, Path work, Path root) {}
