-- A call activity finds the instance it called (to terminate it with the call activity).
CREATE INDEX process_instance_called_by ON engine.process_instance (parent_element_instance_key)
    WHERE state = 'ACTIVE' AND parent_element_instance_key IS NOT NULL;
