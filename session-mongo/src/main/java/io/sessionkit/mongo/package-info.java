/**
 * A {@link io.sessionkit.SessionStore} on MongoDB (mongodb-driver-sync): one document per session, attributes as a
 * native sub-document, compare-and-set with {@code replaceOne({_id, v})}, garbage collection by a TTL index.
 *
 * <p>Everything in this package is non-null unless its Javadoc says otherwise.
 */
package io.sessionkit.mongo;
