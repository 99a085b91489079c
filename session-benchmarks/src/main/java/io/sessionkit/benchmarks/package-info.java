/** JMH benchmarks of every backend against its raw client, command counts and memory per session; see the README. */
@NullMarked
package io.sessionkit.benchmarks;

import org.jspecify.annotations.NullMarked;
