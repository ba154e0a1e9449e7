-- vmailadm: live quota usage (core/quota.h). Added by `db init` and `db upgrade`;
-- every statement may run again. Dovecot's quota dict (UPDATE bytes=bytes+N; DELETE +
-- INSERT ... ON DUPLICATE KEY UPDATE), Postfix's lookups and Modoboa's inserts keep
-- working: the columns are NULL-able, defaulted or virtual, filled by triggers.
-- quota_mb, domain_id: copies of the mailbox's quota and domain (no join over every
-- mailbox to rank usage). usage_ratio: virtual, with NULLIF so that strict mode does
-- not reject Dovecot's insert for an unlimited mailbox (division by zero).
-- changed: the last change, re-read by the monitor with a few seconds of overlap.
ALTER TABLE admin_quota ADD COLUMN IF NOT EXISTS quota_mb integer NULL,
    ADD COLUMN IF NOT EXISTS domain_id integer NULL,
    ADD COLUMN IF NOT EXISTS changed timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
        ON UPDATE CURRENT_TIMESTAMP(6),
    ADD COLUMN IF NOT EXISTS usage_ratio double AS (bytes / NULLIF(quota_mb, 0)) VIRTUAL;
DROP TRIGGER IF EXISTS vmailadm_quota_fill;
CREATE TRIGGER vmailadm_quota_fill BEFORE INSERT ON admin_quota FOR EACH ROW
BEGIN
    -- a row Dovecot (re)inserts has no link: find its mailbox by the address; a row that
    -- comes with its link and copies (vmailadm's bulk creation, core/bulk.c, which knows
    -- them) is left as it is: four lookups a row were most of MariaDB's time per mailbox
    DECLARE v_id integer DEFAULT NULL;
    IF NEW.mbox_id IS NULL OR NEW.quota_mb IS NULL OR NEW.domain_id IS NULL THEN
        SET v_id = (SELECT mb.id FROM admin_user u JOIN admin_mailbox mb ON mb.user_id = u.id
                    WHERE u.username = NEW.username LIMIT 1);
        IF v_id IS NOT NULL THEN
            SET NEW.quota_mb = (SELECT quota FROM admin_mailbox WHERE id = v_id),
                NEW.domain_id = (SELECT domain_id FROM admin_mailbox WHERE id = v_id);
            IF NEW.mbox_id IS NULL AND NOT EXISTS
               (SELECT 1 FROM admin_quota WHERE mbox_id = v_id AND username <> NEW.username) THEN
                SET NEW.mbox_id = v_id;
            END IF;
        END IF;
    END IF;
END;
DROP TRIGGER IF EXISTS vmailadm_mailbox_quota_ins;
-- @vmailadm_bulk: set by vmailadm's bulk creation (core/bulk.c) around its multi-row
-- INSERT, which writes the copies itself, once a slice; NULL in every other session
CREATE TRIGGER vmailadm_mailbox_quota_ins AFTER INSERT ON admin_mailbox FOR EACH ROW
BEGIN
    IF @vmailadm_bulk IS NULL THEN
        UPDATE admin_quota q JOIN admin_user u ON q.username = u.username
            SET q.quota_mb = NEW.quota, q.domain_id = NEW.domain_id
            WHERE u.id = NEW.user_id;
    END IF;
END;
DROP TRIGGER IF EXISTS vmailadm_mailbox_quota_upd;
CREATE TRIGGER vmailadm_mailbox_quota_upd AFTER UPDATE ON admin_mailbox FOR EACH ROW
    UPDATE admin_quota q JOIN admin_user u ON q.username = u.username
        SET q.quota_mb = NEW.quota, q.domain_id = NEW.domain_id
        WHERE u.id = NEW.user_id
          AND NOT (q.quota_mb <=> NEW.quota AND q.domain_id <=> NEW.domain_id);
-- fill the copies of rows that existed before (an upgrade)
UPDATE admin_quota q JOIN admin_user u ON u.username = q.username
    JOIN admin_mailbox mb ON mb.user_id = u.id
    SET q.quota_mb = mb.quota, q.domain_id = mb.domain_id
    WHERE NOT (q.quota_mb <=> mb.quota AND q.domain_id <=> mb.domain_id);
CREATE INDEX IF NOT EXISTS admin_quota_usage ON admin_quota (usage_ratio);
CREATE INDEX IF NOT EXISTS admin_quota_domain_usage ON admin_quota (domain_id, usage_ratio);
-- the console's mailboxes by usage and by quota (core/mbsort.h): the ties broken by the
-- login in the same direction, so that one index (read backwards for "fullest first")
-- serves both directions and a page never sorts a big group of equal ratios
CREATE INDEX IF NOT EXISTS admin_quota_domain_usage_name ON admin_quota (domain_id, usage_ratio, username);
CREATE INDEX IF NOT EXISTS admin_mailbox_domain_quota ON admin_mailbox (domain_id, quota, address);
CREATE INDEX IF NOT EXISTS admin_quota_changed ON admin_quota (changed);
-- per-domain totals, refreshed by `quota rollup` (running totals kept by a trigger would
-- make every delivery to a big domain wait for that domain's one row)
CREATE TABLE IF NOT EXISTS vmailadm_domain_usage (
    domain_id integer NOT NULL PRIMARY KEY,
    mailboxes integer NOT NULL,
    unlimited integer NOT NULL,
    bytes bigint NOT NULL,
    messages bigint NOT NULL,
    allocated_mb bigint NOT NULL,
    anomalies integer NOT NULL,
    aliases integer NOT NULL DEFAULT 0,
    refreshed datetime NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- added after the table's first version: a big domain's alias count
ALTER TABLE vmailadm_domain_usage ADD COLUMN IF NOT EXISTS aliases integer NOT NULL DEFAULT 0;
