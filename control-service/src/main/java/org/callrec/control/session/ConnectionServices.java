package org.callrec.control.session;

import org.callrec.control.admission.Admission;
import org.callrec.control.allocation.IngestAllocator;
import org.callrec.control.config.ControlConfig;
import org.callrec.control.lease.LeaseRenewer;
import org.callrec.control.log.BadInputLog;
import org.callrec.control.metrics.ControlMetrics;
import org.callrec.control.tenant.TenantGate;
import org.callrec.core.protocol.StartRules;

/** What every phone connection works with: shared by all connections of the instance. */
public record ConnectionServices(ControlConfig config, IngestAllocator ingest, LeaseRenewer leases,
                                 ControlSessions sessions, StartRules startRules, ControlMetrics metrics,
                                 Admission admission, BadInputLog badInput,
                                 TenantGate tenants) {
}
