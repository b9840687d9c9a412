-- Call control (invite, transfers, pick-up): a manager's part in a call also says how they came
-- to it and how their leg ended. PostgreSQL widens the CHECK in place.
ALTER TABLE call_managers DROP CONSTRAINT call_managers_role;
ALTER TABLE call_managers
    ADD CONSTRAINT call_managers_role CHECK (role IN ('rang', 'declined', 'answered', 'left')),
    -- rang/answered: 'route', 'invite', 'coldTransfer', 'warmTransfer', 'pickUp' or 'dial'
    ADD COLUMN purpose TEXT,
    -- who invited or transferred
    ADD COLUMN by_manager_id BIGINT REFERENCES managers(id),
    -- left: 'left', 'transferred', 'transferCancelled', or the call's hangup cause
    ADD COLUMN cause TEXT;
