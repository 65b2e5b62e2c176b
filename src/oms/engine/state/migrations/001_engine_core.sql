-- Core state of the embedded engine. Relational, one table per family, like Zeebe's column families.
-- Partial indexes keep the hot queries (activatable jobs, due timers, open subscriptions) independent
-- of how much finished history the tables hold.

CREATE SEQUENCE engine.key_seq START 2251799813685249 INCREMENT 1000;

CREATE TABLE engine.deployment (
    key          bigint PRIMARY KEY,
    tenant_id    text NOT NULL DEFAULT '<default>',
    created_at   timestamptz NOT NULL
);

CREATE TABLE engine.process_definition (
    key              bigint PRIMARY KEY,
    bpmn_process_id  text NOT NULL,
    version          integer NOT NULL,
    name             text,
    resource_name    text NOT NULL,
    checksum         text NOT NULL,
    bpmn_xml         bytea NOT NULL,
    deployment_key   bigint NOT NULL REFERENCES engine.deployment (key),
    tenant_id        text NOT NULL DEFAULT '<default>',
    created_at       timestamptz NOT NULL,
    UNIQUE (tenant_id, bpmn_process_id, version)
);

CREATE TABLE engine.process_instance (
    key                     bigint PRIMARY KEY,
    process_definition_key  bigint NOT NULL REFERENCES engine.process_definition (key),
    bpmn_process_id         text NOT NULL,
    version                 integer NOT NULL,
    state                   text NOT NULL,          -- ACTIVE, COMPLETED, TERMINATED
    tenant_id               text NOT NULL DEFAULT '<default>',
    start_date              timestamptz NOT NULL,
    end_date                timestamptz,
    parent_process_instance_key bigint,
    parent_element_instance_key bigint
);
CREATE INDEX process_instance_active ON engine.process_instance (bpmn_process_id) WHERE state = 'ACTIVE';
CREATE INDEX process_instance_definition ON engine.process_instance (process_definition_key);

CREATE TABLE engine.element_instance (
    key                     bigint PRIMARY KEY,
    process_instance_key    bigint NOT NULL,
    process_definition_key  bigint NOT NULL,
    bpmn_process_id         text NOT NULL,
    element_id              text NOT NULL,
    element_type            text NOT NULL,
    flow_scope_key          bigint,
    state                   text NOT NULL,          -- ACTIVATING, ACTIVATED, COMPLETING, COMPLETED, TERMINATED
    start_date              timestamptz NOT NULL,
    end_date                timestamptz,
    -- For containers: sequence flows taken into joining gateways and not yet consumed.
    joins                   jsonb,
    tenant_id               text NOT NULL DEFAULT '<default>'
);
CREATE INDEX element_instance_by_instance ON engine.element_instance (process_instance_key);
CREATE INDEX element_instance_live ON engine.element_instance (process_instance_key)
    WHERE state NOT IN ('COMPLETED', 'TERMINATED');

CREATE TABLE engine.variable (
    key                  bigint PRIMARY KEY,
    process_instance_key bigint NOT NULL,
    scope_key            bigint NOT NULL,
    name                 text NOT NULL,
    value                jsonb,
    tenant_id            text NOT NULL DEFAULT '<default>',
    UNIQUE (scope_key, name)
);
CREATE INDEX variable_by_instance ON engine.variable (process_instance_key);

CREATE TABLE engine.job (
    key                     bigint PRIMARY KEY,
    type                    text NOT NULL,
    state                   text NOT NULL,   -- ACTIVATABLE, ACTIVATED, FAILED, ERROR_THROWN, COMPLETED, CANCELED
    retries                 integer NOT NULL,
    worker                  text,
    deadline                timestamptz,
    retry_at                timestamptz,     -- back-off: not activatable before this time
    error_message           text,
    error_code              text,
    custom_headers          jsonb NOT NULL DEFAULT '{}',
    process_instance_key    bigint NOT NULL,
    element_instance_key    bigint NOT NULL,
    element_id              text NOT NULL,
    bpmn_process_id         text NOT NULL,
    process_definition_key  bigint NOT NULL,
    version                 integer NOT NULL,
    -- The element instance and its ancestors, innermost first: the variable scopes a job sees.
    scope_keys              bigint[] NOT NULL,
    tenant_id               text NOT NULL DEFAULT '<default>',
    created_at              timestamptz NOT NULL,
    ended_at                timestamptz
);
CREATE INDEX job_activatable ON engine.job (type, key) WHERE state = 'ACTIVATABLE';
CREATE INDEX job_activated_deadline ON engine.job (deadline) WHERE state = 'ACTIVATED';
CREATE INDEX job_by_instance ON engine.job (process_instance_key);

CREATE TABLE engine.timer (
    key                     bigint PRIMARY KEY,
    process_instance_key    bigint NOT NULL,
    element_instance_key    bigint NOT NULL,   -- the instance that owns the subscription
    target_element_id       text NOT NULL,     -- the element that the timer triggers
    due_date                timestamptz NOT NULL,
    repetitions             integer,           -- remaining for cycles; NULL = forever
    interval_spec           text,              -- how to compute the next due date of a cycle
    state                   text NOT NULL,     -- ACTIVE, TRIGGERED, CANCELED
    process_definition_key  bigint NOT NULL,
    tenant_id               text NOT NULL DEFAULT '<default>'
);
CREATE INDEX timer_due ON engine.timer (due_date) WHERE state = 'ACTIVE';
CREATE INDEX timer_by_instance ON engine.timer (process_instance_key);

CREATE TABLE engine.message (
    key             bigint PRIMARY KEY,
    name            text NOT NULL,
    correlation_key text NOT NULL,
    message_id      text,
    variables       jsonb NOT NULL DEFAULT '{}',
    published_at    timestamptz NOT NULL,
    deadline        timestamptz NOT NULL,
    state           text NOT NULL,     -- PUBLISHED (buffered until deadline), EXPIRED
    tenant_id       text NOT NULL DEFAULT '<default>'
);
CREATE INDEX message_buffered ON engine.message (name, correlation_key, key) WHERE state = 'PUBLISHED';
CREATE INDEX message_deadline ON engine.message (deadline) WHERE state = 'PUBLISHED';
CREATE UNIQUE INDEX message_id_buffered ON engine.message (tenant_id, name, correlation_key, message_id)
    WHERE state = 'PUBLISHED' AND message_id IS NOT NULL;

CREATE TABLE engine.message_subscription (
    key                     bigint PRIMARY KEY,
    process_instance_key    bigint NOT NULL,
    element_instance_key    bigint NOT NULL,   -- the instance that owns the subscription
    target_element_id       text NOT NULL,     -- the element that a correlation triggers
    bpmn_process_id         text NOT NULL,
    process_definition_key  bigint NOT NULL,
    message_name            text NOT NULL,
    correlation_key         text NOT NULL,
    interrupting            boolean NOT NULL DEFAULT true,
    state                   text NOT NULL,     -- OPEN, CORRELATED, DELETED
    created_at              timestamptz NOT NULL,
    tenant_id               text NOT NULL DEFAULT '<default>'
);
CREATE INDEX message_subscription_open ON engine.message_subscription (message_name, correlation_key)
    WHERE state = 'OPEN';
CREATE INDEX message_subscription_by_instance ON engine.message_subscription (process_instance_key);

-- A message correlates at most once per BPMN process id (so never twice to the same instance).
CREATE TABLE engine.message_correlation (
    message_key          bigint NOT NULL,
    bpmn_process_id      text NOT NULL,
    process_instance_key bigint NOT NULL,
    subscription_key     bigint NOT NULL,
    -- false while the correlation is waiting for the instance to take it (written by the publisher)
    applied              boolean NOT NULL,
    PRIMARY KEY (message_key, bpmn_process_id)
);
CREATE INDEX message_correlation_pending ON engine.message_correlation (process_instance_key)
    WHERE NOT applied;

CREATE TABLE engine.incident (
    key                     bigint PRIMARY KEY,
    process_instance_key    bigint NOT NULL,
    element_instance_key    bigint NOT NULL,
    element_id              text NOT NULL,
    job_key                 bigint,
    error_type              text NOT NULL,
    error_message           text NOT NULL,
    state                   text NOT NULL,     -- ACTIVE, RESOLVED
    bpmn_process_id         text NOT NULL,
    process_definition_key  bigint NOT NULL,
    tenant_id               text NOT NULL DEFAULT '<default>',
    created_at              timestamptz NOT NULL,
    resolved_at             timestamptz
);
CREATE INDEX incident_active ON engine.incident (process_instance_key) WHERE state = 'ACTIVE';

-- The append-only log of what happened, like Zeebe's exported records.
CREATE TABLE engine.record (
    position             bigserial PRIMARY KEY,
    key                  bigint NOT NULL,
    value_type           text NOT NULL,
    intent               text NOT NULL,
    process_instance_key bigint,
    element_id           text,
    timestamp            timestamptz NOT NULL,
    value                jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX record_by_instance ON engine.record (process_instance_key, position);
