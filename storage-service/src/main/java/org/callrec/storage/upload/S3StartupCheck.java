package org.callrec.storage.upload;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.runtime.StartupEvent;

/**
 * Creates the {@link S3Store} before anything else starts (CDI calls lower priorities first), so
 * that S3 settings that cannot be used — no secret or a well-known one outside the dev, test and
 * local profiles, an unreadable CA file, SSE-KMS without a key — stop the service at once with a
 * message naming the key to set, instead of failing the first upload.
 */
@ApplicationScoped
class S3StartupCheck {

    @Inject
    S3Store store;

    void check(@Observes @Priority(1) StartupEvent event) {
        store.describe();
    }
}
