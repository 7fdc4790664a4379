-- The zero-configuration local run records any phone: tenant "default" accepts unknown devices
-- from any network. Seeded once (Flyway runs a migration once): an operator may delete it and it
-- does not come back. Its registry record goes out through the outbox like any change; the value
-- is the JSON of core TenantEntry for this row (CatalogServiceTest checks it against Jackson).
INSERT INTO tenants (id, name, status, allowed_networks, unknown_devices)
VALUES ('default', 'Default', 'active', '{}', 'accept');

INSERT INTO registry_outbox (record_key, record_value)
VALUES ('tenant:default', '{"id":"default","name":"Default","status":"active","allowedNetworks":[],"concurrentRecordings":null,"maxRecordingSeconds":null,"retentionDays":null,"placement":{"bucket":null,"prefix":null,"kmsKeyId":null},"unknownDevices":"accept"}');
