/**
 * The internal HTTP API between control-service and media-ingest-service, as plain records
 * (JSON via any record-aware mapper):
 * <pre>
 * POST /internal/v1/allocations                 AllocateRequest  → 200 Allocation | 4xx/503 ApiError
 * GET  /internal/v1/allocations                 -                → 200 the node's open recordings
 * POST /internal/v1/allocations/{id}/release    ReleaseRequest   → 200 ReleaseResult | 404 ApiError
 * POST /internal/v1/leases                      LeaseRenewal     → 200 LeaseAnswer
 * GET  /internal/v1/node                        -                → 200 NodeStatus
 * POST /internal/v1/node/drain                  -                → 200 (the node's drain starts)
 * </pre>
 * The paths are constants in {@link org.callrec.core.allocation.InternalApi}.
 * Allocation is idempotent per recording id: asking again returns the same endpoint. A node
 * that is shutting down refuses allocations with 503 {@code shutting-down}.
 */
package org.callrec.core.allocation;
