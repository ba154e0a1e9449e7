-- vmailadm: when each pending mailbox operation was queued (UTC), for `store check`'s
-- stuck-operation (Modoboa's admin_mailboxoperation has no time of its own). Kept by
-- triggers, so operations Modoboa queues are timed too; operations pending when this
-- was added count from then.
CREATE TABLE vmailadm_op_queued (
    op_id integer NOT NULL PRIMARY KEY,
    queued_at datetime NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
DROP TRIGGER IF EXISTS vmailadm_op_queued_ins;
CREATE TRIGGER vmailadm_op_queued_ins AFTER INSERT ON admin_mailboxoperation FOR EACH ROW
    REPLACE INTO vmailadm_op_queued (op_id, queued_at) VALUES (NEW.id, UTC_TIMESTAMP());
DROP TRIGGER IF EXISTS vmailadm_op_queued_del;
CREATE TRIGGER vmailadm_op_queued_del AFTER DELETE ON admin_mailboxoperation FOR EACH ROW
    DELETE FROM vmailadm_op_queued WHERE op_id = OLD.id;
INSERT IGNORE INTO vmailadm_op_queued (op_id, queued_at)
    SELECT id, UTC_TIMESTAMP() FROM admin_mailboxoperation;
