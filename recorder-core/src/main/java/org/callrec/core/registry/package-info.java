/**
 * The tenant and device registry as the data plane sees it: the records the catalog publishes on
 * the compacted topic {@link org.callrec.core.chunk.Topics#REGISTRY} ({@link TenantEntry},
 * {@link DeviceEntry}, keyed by {@link RegistryKeys}), the in-memory replica every reader keeps
 * ({@link Registry}), and how control-service decides whose recording a start is
 * ({@link org.callrec.core.resolution.TenantResolver}). Framework-free: the services read the topic with their own Kafka
 * channel and JSON mapper and hand the records here.
 */
package org.callrec.core.registry;
