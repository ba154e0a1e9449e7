-- vmailadm: live quota usage (core/quota.h). Added by `db init` and `db upgrade`
-- (after sqlite-quota-columns.sql); every statement may run again. Dovecot's quota
-- dict (UPDATE bytes=bytes+N; DELETE + INSERT OR REPLACE), Postfix's lookups and
-- Modoboa's inserts keep working: the columns are NULL-able or defaulted, filled by
-- triggers. quota_mb, domain_id: copies of the mailbox's quota and domain (no join
-- over every mailbox to rank usage). changed: milliseconds since 1970, or one more than
-- the highest when that is later (SQLite has one writer at a time, so it grows in
-- commit order; the clock keeps it growing when the row with the highest is deleted).
CREATE TRIGGER IF NOT EXISTS vmailadm_quota_fill AFTER INSERT ON admin_quota
BEGIN
    UPDATE admin_quota SET
        quota_mb = (SELECT mb.quota FROM admin_user u JOIN admin_mailbox mb ON mb.user_id = u.id
                    WHERE u.username = NEW.username),
        domain_id = (SELECT mb.domain_id FROM admin_user u JOIN admin_mailbox mb ON mb.user_id = u.id
                     WHERE u.username = NEW.username),
        mbox_id = COALESCE(NEW.mbox_id,
            (SELECT mb.id FROM admin_user u JOIN admin_mailbox mb ON mb.user_id = u.id
             WHERE u.username = NEW.username
               AND NOT EXISTS (SELECT 1 FROM admin_quota q2 WHERE q2.mbox_id = mb.id))),
        changed = MAX((SELECT COALESCE(MAX(changed), 0) + 1 FROM admin_quota),
                      CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))
    WHERE username = NEW.username;
END;
CREATE TRIGGER IF NOT EXISTS vmailadm_quota_changed AFTER UPDATE OF bytes, messages ON admin_quota
BEGIN
    UPDATE admin_quota SET changed = MAX((SELECT MAX(changed) FROM admin_quota) + 1,
                                         CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))
    WHERE username = NEW.username;
END;
CREATE TRIGGER IF NOT EXISTS vmailadm_mailbox_quota_ins AFTER INSERT ON admin_mailbox
BEGIN
    UPDATE admin_quota SET quota_mb = NEW.quota, domain_id = NEW.domain_id
    WHERE username = (SELECT username FROM admin_user WHERE id = NEW.user_id);
END;
CREATE TRIGGER IF NOT EXISTS vmailadm_mailbox_quota_upd
    AFTER UPDATE OF quota, domain_id, user_id, address ON admin_mailbox
BEGIN
    UPDATE admin_quota SET quota_mb = NEW.quota, domain_id = NEW.domain_id
    WHERE username = (SELECT username FROM admin_user WHERE id = NEW.user_id);
END;
-- fill the copies of rows that existed before (an upgrade)
UPDATE admin_quota SET
    quota_mb = (SELECT mb.quota FROM admin_user u JOIN admin_mailbox mb ON mb.user_id = u.id
                WHERE u.username = admin_quota.username),
    domain_id = (SELECT mb.domain_id FROM admin_user u JOIN admin_mailbox mb ON mb.user_id = u.id
                 WHERE u.username = admin_quota.username)
WHERE quota_mb IS NULL OR domain_id IS NULL;
-- the usage ratio (bytes per MB of quota; NULL = unlimited), highest first
CREATE INDEX IF NOT EXISTS admin_quota_usage
    ON admin_quota ((CAST(bytes AS REAL) / NULLIF(quota_mb, 0)) DESC);
CREATE INDEX IF NOT EXISTS admin_quota_domain_usage
    ON admin_quota (domain_id, (CAST(bytes AS REAL) / NULLIF(quota_mb, 0)) DESC);
-- the console's mailboxes by usage and by quota (core/mbsort.h): the ties broken by the
-- login in the same direction, so that one index serves both directions and a page
-- never sorts a big group of equal ratios (empty or unlimited mailboxes)
CREATE INDEX IF NOT EXISTS admin_quota_domain_usage_name
    ON admin_quota (domain_id, (CAST(bytes AS REAL) / NULLIF(quota_mb, 0)) DESC, username DESC);
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
);
