-- Signal subscriptions: what a broadcast signal reaches. A signal has no correlation key and is never
-- buffered: a broadcast triggers every subscription open for its name in its tenant at that moment.
--
-- Two kinds share the table:
--  * a signal start event of the latest version of a process (process_instance_key IS NULL): opened at
--    deploy, deleted when a newer version is deployed;
--  * a catch event, boundary event or event sub-process start of a live element instance: opened and
--    closed with the element that owns it (element_instance_key).
CREATE TABLE engine.signal_subscription (
    key                     bigint PRIMARY KEY,
    signal_name             text NOT NULL,
    process_definition_key  bigint NOT NULL REFERENCES engine.process_definition (key),
    bpmn_process_id         text NOT NULL,
    process_instance_key    bigint,
    element_instance_key    bigint,
    target_element_id       text NOT NULL,
    interrupting            boolean NOT NULL DEFAULT true,
    state                   text NOT NULL,     -- OPEN, DELETED
    created_at              timestamptz NOT NULL,
    tenant_id               text NOT NULL DEFAULT '<default>'
);
-- A broadcast finds the open subscriptions of its name.
CREATE INDEX signal_subscription_open ON engine.signal_subscription (tenant_id, signal_name) WHERE state = 'OPEN';
-- An element closes the subscriptions it owns.
CREATE INDEX signal_subscription_owner ON engine.signal_subscription (process_instance_key, element_instance_key)
    WHERE state = 'OPEN';
-- A new version replaces the start event subscriptions of the old one.
CREATE INDEX signal_subscription_start_events ON engine.signal_subscription (bpmn_process_id)
    WHERE state = 'OPEN' AND process_instance_key IS NULL;
