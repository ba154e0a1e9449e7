-- vmailadm: when each pending mailbox operation was queued (UTC), for `store check`'s
-- stuck-operation (Modoboa's admin_mailboxoperation has no time of its own). Kept by
-- triggers, so operations Modoboa queues are timed too; operations pending when this
-- was added count from then.
CREATE TABLE vmailadm_op_queued (
    op_id integer NOT NULL PRIMARY KEY,
    queued_at timestamp NOT NULL
);
CREATE OR REPLACE FUNCTION vmailadm_op_queued() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO vmailadm_op_queued (op_id, queued_at) VALUES (NEW.id, now() AT TIME ZONE 'UTC')
            ON CONFLICT (op_id) DO UPDATE SET queued_at = EXCLUDED.queued_at;
    ELSE
        DELETE FROM vmailadm_op_queued WHERE op_id = OLD.id;
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS vmailadm_op_queued ON admin_mailboxoperation;
CREATE TRIGGER vmailadm_op_queued AFTER INSERT OR DELETE ON admin_mailboxoperation
    FOR EACH ROW EXECUTE FUNCTION vmailadm_op_queued();
INSERT INTO vmailadm_op_queued (op_id, queued_at)
    SELECT id, now() AT TIME ZONE 'UTC' FROM admin_mailboxoperation ON CONFLICT DO NOTHING;
