/**
 * Whose recording a start is, decided from the registry replica alone ({@link TenantResolver},
 * with the deployment's {@link UnknownDevicePolicy}). Apart from {@code registry} because it
 * answers with the protocol's refusal tokens: the registry model stays free of the protocol
 * (chunk records carry a {@link org.callrec.core.registry.StoragePlacement}, and the protocol
 * names chunk's stop reasons: one package holding both would be a cycle).
 */
package org.callrec.core.resolution;
