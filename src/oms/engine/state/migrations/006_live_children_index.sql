-- A command that loaded only the scope chain of its element finds the live children of a scope when it
-- needs them (terminating the scope, checking whether a token is left): by the scope's key.
CREATE INDEX element_instance_live_children ON engine.element_instance (flow_scope_key)
    WHERE state NOT IN ('COMPLETED', 'TERMINATED');
