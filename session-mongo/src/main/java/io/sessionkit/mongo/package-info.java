/**
 * A {@link io.sessionkit.SessionStore} on MongoDB (mongodb-driver-sync): one document per session, attributes as a
 * native sub-document, compare-and-set with {@code replaceOne({_id, v})}, garbage collection by a TTL index.
 *
 * <p>Non-null unless marked {@code @Nullable}: the package is {@link org.jspecify.annotations.NullMarked}.
 */
@NullMarked
package io.sessionkit.mongo;

import org.jspecify.annotations.NullMarked;
