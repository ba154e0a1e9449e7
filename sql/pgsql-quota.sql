-- vmailadm: live quota usage (core/quota.h). Added by `db init` and `db upgrade`;
-- every statement may run again. Dovecot's quota dict (UPDATE bytes=bytes+N; DELETE +
-- INSERT ... ON CONFLICT), Postfix's lookups and Modoboa's inserts keep working: the
-- columns are NULL-able or defaulted and filled by triggers, never required.
-- quota_mb, domain_id: copies of the mailbox's quota and domain, so the monitor ranks
-- usage with one index instead of a join over every mailbox.
-- changed_xid: the transaction that last changed the row; the monitor fetches rows
-- changed since the oldest transaction running at its last refresh.
ALTER TABLE admin_quota ADD COLUMN IF NOT EXISTS quota_mb integer NULL,
    ADD COLUMN IF NOT EXISTS domain_id integer NULL,
    ADD COLUMN IF NOT EXISTS changed_xid xid8 NULL;
CREATE OR REPLACE FUNCTION vmailadm_quota_fill() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_id integer;
    v_quota integer;
    v_dom integer;
BEGIN
    NEW.changed_xid := pg_current_xact_id();
    IF TG_OP = 'UPDATE' AND NEW.username = OLD.username
       AND NEW.mbox_id IS NOT DISTINCT FROM OLD.mbox_id THEN
        RETURN NEW;
    END IF;
    -- a row that comes with its link and copies (vmailadm's bulk creation, core/bulk.c,
    -- which knows them) is left as it is
    IF TG_OP = 'INSERT' AND NEW.mbox_id IS NOT NULL AND NEW.quota_mb IS NOT NULL
       AND NEW.domain_id IS NOT NULL THEN
        RETURN NEW;
    END IF;
    -- a row Dovecot (re)inserts has no link: find its mailbox by the address
    SELECT mb.id, mb.quota, mb.domain_id INTO v_id, v_quota, v_dom
        FROM admin_user u JOIN admin_mailbox mb ON mb.user_id = u.id
        WHERE u.username = NEW.username LIMIT 1;
    IF FOUND THEN
        NEW.quota_mb := v_quota;
        NEW.domain_id := v_dom;
        IF NEW.mbox_id IS NULL AND NOT EXISTS
           (SELECT 1 FROM admin_quota WHERE mbox_id = v_id AND username <> NEW.username) THEN
            NEW.mbox_id := v_id;
        END IF;
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS vmailadm_quota_fill ON admin_quota;
CREATE TRIGGER vmailadm_quota_fill BEFORE INSERT OR UPDATE ON admin_quota
    FOR EACH ROW EXECUTE FUNCTION vmailadm_quota_fill();
CREATE OR REPLACE FUNCTION vmailadm_mailbox_quota() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.quota IS NOT DISTINCT FROM OLD.quota
       AND NEW.domain_id IS NOT DISTINCT FROM OLD.domain_id AND NEW.user_id IS NOT DISTINCT FROM OLD.user_id THEN
        RETURN NULL;
    END IF;
    -- vmailadm.bulk: set by vmailadm's bulk creation (core/bulk.c) around its multi-row
    -- INSERT, whose quota rows come after it with their copies
    IF TG_OP = 'INSERT' AND current_setting('vmailadm.bulk', true) = '1' THEN
        RETURN NULL;
    END IF;
    UPDATE admin_quota q SET quota_mb = NEW.quota, domain_id = NEW.domain_id
        FROM admin_user u
        WHERE u.id = NEW.user_id AND q.username = u.username
          AND (q.quota_mb IS DISTINCT FROM NEW.quota OR q.domain_id IS DISTINCT FROM NEW.domain_id);
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS vmailadm_mailbox_quota ON admin_mailbox;
-- not UPDATE OF (columns): that would stop ALTER TABLE from changing those columns' types
CREATE TRIGGER vmailadm_mailbox_quota AFTER INSERT OR UPDATE
    ON admin_mailbox FOR EACH ROW EXECUTE FUNCTION vmailadm_mailbox_quota();
-- fill the copies of rows that existed before (an upgrade)
UPDATE admin_quota q SET quota_mb = mb.quota, domain_id = mb.domain_id
    FROM admin_user u JOIN admin_mailbox mb ON mb.user_id = u.id
    WHERE u.username = q.username
      AND (q.quota_mb IS DISTINCT FROM mb.quota OR q.domain_id IS DISTINCT FROM mb.domain_id);
-- the usage ratio (bytes per MB of quota; NULL = unlimited), highest first
CREATE INDEX IF NOT EXISTS admin_quota_usage
    ON admin_quota (((bytes::float8 / NULLIF(quota_mb, 0))) DESC NULLS LAST);
CREATE INDEX IF NOT EXISTS admin_quota_domain_usage
    ON admin_quota (domain_id, ((bytes::float8 / NULLIF(quota_mb, 0))) DESC NULLS LAST);
-- the console's mailboxes by usage and by quota (core/mbsort.h): the ties broken by the
-- login in the same direction, so that one index serves both directions and a page
-- never sorts a big group of equal ratios (empty or unlimited mailboxes)
CREATE INDEX IF NOT EXISTS admin_quota_domain_usage_name
    ON admin_quota (domain_id, ((bytes::float8 / NULLIF(quota_mb, 0))) DESC NULLS LAST, username DESC);
CREATE INDEX IF NOT EXISTS admin_mailbox_domain_quota ON admin_mailbox (domain_id, quota, address);
CREATE INDEX IF NOT EXISTS admin_quota_changed ON admin_quota (changed_xid);
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
    refreshed timestamp NOT NULL
);
-- added after the table's first version: a big domain's alias count
ALTER TABLE vmailadm_domain_usage ADD COLUMN IF NOT EXISTS aliases integer NOT NULL DEFAULT 0;
