/**
 * The service credential of the internal APIs (control-service → ingest node): bearer tokens
 * read from a file ({@link TokenFile}) and checked in constant time ({@link BearerTokens}).
 * Framework-free, so that every service reads and checks the file the same way.
 */
package org.callrec.core.auth;
