-- vmailadm: when each pending mailbox operation was queued (UTC), for `store check`'s
-- stuck-operation (Modoboa's admin_mailboxoperation has no time of its own). Kept by
-- triggers, so operations Modoboa queues are timed too; operations pending when this
-- was added count from then.
CREATE TABLE vmailadm_op_queued (
    op_id integer NOT NULL PRIMARY KEY,
    queued_at datetime NOT NULL
);
CREATE TRIGGER IF NOT EXISTS vmailadm_op_queued_ins AFTER INSERT ON admin_mailboxoperation
BEGIN
    INSERT OR REPLACE INTO vmailadm_op_queued (op_id, queued_at) VALUES (NEW.id, datetime('now'));
END;
CREATE TRIGGER IF NOT EXISTS vmailadm_op_queued_del AFTER DELETE ON admin_mailboxoperation
BEGIN
    DELETE FROM vmailadm_op_queued WHERE op_id = OLD.id;
END;
INSERT OR IGNORE INTO vmailadm_op_queued (op_id, queued_at)
    SELECT id, datetime('now') FROM admin_mailboxoperation;
