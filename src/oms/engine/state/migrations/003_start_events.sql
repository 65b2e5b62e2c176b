-- Message and timer start events belong to a process definition, not to an instance.

-- A timer start event's timer has no instance (and no element instance) until it fires.
ALTER TABLE engine.timer ALTER COLUMN process_instance_key DROP NOT NULL;
ALTER TABLE engine.timer ALTER COLUMN element_instance_key DROP NOT NULL;

-- A message start event's subscription: by message name only (the correlation key is not used to
-- find it). Open for the latest version of a process; deleted when a newer version is deployed.
CREATE TABLE engine.start_subscription (
    key                     bigint PRIMARY KEY,
    process_definition_key  bigint NOT NULL REFERENCES engine.process_definition (key),
    bpmn_process_id         text NOT NULL,
    start_event_id          text NOT NULL,
    message_name            text NOT NULL,
    state                   text NOT NULL,     -- OPEN, DELETED
    created_at              timestamptz NOT NULL,
    tenant_id               text NOT NULL DEFAULT '<default>'
);
CREATE INDEX start_subscription_open ON engine.start_subscription (message_name) WHERE state = 'OPEN';
CREATE INDEX start_subscription_by_process ON engine.start_subscription (bpmn_process_id) WHERE state = 'OPEN';

-- The correlation key of the message that started an instance: while such an instance is active, no
-- second one is started by a message with the same key.
ALTER TABLE engine.process_instance ADD COLUMN start_correlation_key text;
CREATE INDEX process_instance_started_by_message ON engine.process_instance (bpmn_process_id, start_correlation_key)
    WHERE state = 'ACTIVE' AND start_correlation_key IS NOT NULL;

-- Timer start events are found by their process id when a new version replaces them.
CREATE INDEX timer_start_events ON engine.timer (process_definition_key)
    WHERE state = 'ACTIVE' AND process_instance_key IS NULL;
