-- vmailadm: the substring search index (core/search.h), added by `db init` and `db
-- upgrade` once the extension pg_trgm is there (core/search.c creates it when the role
-- may: it is a trusted extension, so a database owner may). GIN trigram indexes serve
-- the same LIKE '%text%' the search runs without them; PostgreSQL keeps them itself.
-- New entries wait in a pending list that every search reads whole until it is merged
-- (by VACUUM, or when it reaches gin_pending_list_limit): at the default 4 MB a bulk
-- creation of 30,000 mailboxes left '%zzz%' at 12 ms against 0.5 ms merged, in a
-- 1M-mailbox table. 256 kB keeps that under 1 ms and costs a bulk creation about 7%
-- (no pending list at all, fastupdate = off, costs 19%).
CREATE INDEX IF NOT EXISTS vmailadm_mailbox_address_trgm ON admin_mailbox USING gin (address gin_trgm_ops)
	WITH (gin_pending_list_limit = 256);
CREATE INDEX IF NOT EXISTS vmailadm_alias_address_trgm ON admin_alias USING gin (address gin_trgm_ops)
	WITH (gin_pending_list_limit = 256);
-- The trigram rows in order: a GIN index answers which rows hold a text, but not in the
-- list's order, so a page of a text thousands of mailboxes hold had to fetch and sort
-- every match of the table (3-4 ms for 3,700 in a 1M table, before any row of the page;
-- tests/bench/RESULTS.md). As on MariaDB (mysql-search.sql), a side table per object
-- holds each 3-character substring of the local part (mailboxes) or address (aliases)
-- with its domain and the address, under a key (gram, domain_id, address): the rest of a
-- page is then read in order from one trigram's rows and stops when full (core/match.c).
-- Kept by triggers: per statement for inserts and deletes (one set statement for a bulk
-- creation's slice or a domain's removal), per row for updates, which return at once
-- unless the address or the domain changed (a trigger with UPDATE OF columns or a WHEN on
-- them would stop ALTER TABLE from changing those columns' types, as in pgsql-quota.sql).
-- The address within its domain names the row on both tables.
-- Run whole when anything is missing: a table without its triggers may be stale (the
-- GIN indexes above are only made when absent).
DROP TRIGGER IF EXISTS vmailadm_mailbox_trgm_ins ON admin_mailbox;
DROP TRIGGER IF EXISTS vmailadm_mailbox_trgm_del ON admin_mailbox;
DROP TRIGGER IF EXISTS vmailadm_mailbox_trgm_upd ON admin_mailbox;
DROP TRIGGER IF EXISTS vmailadm_alias_trgm_ins ON admin_alias;
DROP TRIGGER IF EXISTS vmailadm_alias_trgm_del ON admin_alias;
DROP TRIGGER IF EXISTS vmailadm_alias_trgm_upd ON admin_alias;
DROP TABLE IF EXISTS vmailadm_mailbox_trgm;
DROP TABLE IF EXISTS vmailadm_alias_trgm;
CREATE TABLE vmailadm_mailbox_trgm (
    gram varchar(3) NOT NULL,
    domain_id integer NOT NULL,
    address varchar(252) NOT NULL
);
CREATE TABLE vmailadm_alias_trgm (
    gram varchar(3) NOT NULL,
    domain_id integer NOT NULL,
    address varchar(254) NOT NULL
);
CREATE OR REPLACE FUNCTION vmailadm_mailbox_trgm_ins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO vmailadm_mailbox_trgm (gram, domain_id, address)
        SELECT substr(n.address, s, 3), n.domain_id, n.address FROM vmailadm_new n
        CROSS JOIN LATERAL generate_series(1, char_length(n.address) - 2) s
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION vmailadm_mailbox_trgm_del() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM vmailadm_mailbox_trgm g USING vmailadm_old o
        CROSS JOIN LATERAL generate_series(1, char_length(o.address) - 2) s
        WHERE g.gram = substr(o.address, s, 3) AND g.domain_id = o.domain_id AND g.address = o.address;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION vmailadm_mailbox_trgm_upd() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.address = OLD.address AND NEW.domain_id = OLD.domain_id THEN
        RETURN NULL;
    END IF;
    DELETE FROM vmailadm_mailbox_trgm WHERE domain_id = OLD.domain_id AND address = OLD.address
        AND gram IN (SELECT substr(OLD.address, s, 3) FROM generate_series(1, char_length(OLD.address) - 2) s);
    INSERT INTO vmailadm_mailbox_trgm (gram, domain_id, address)
        SELECT substr(NEW.address, s, 3), NEW.domain_id, NEW.address
        FROM generate_series(1, char_length(NEW.address) - 2) s
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION vmailadm_alias_trgm_ins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO vmailadm_alias_trgm (gram, domain_id, address)
        SELECT substr(n.address, s, 3), n.domain_id, n.address FROM vmailadm_new n
        CROSS JOIN LATERAL generate_series(1, char_length(n.address) - 2) s
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION vmailadm_alias_trgm_del() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM vmailadm_alias_trgm g USING vmailadm_old o
        CROSS JOIN LATERAL generate_series(1, char_length(o.address) - 2) s
        WHERE g.gram = substr(o.address, s, 3) AND g.domain_id = o.domain_id AND g.address = o.address;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION vmailadm_alias_trgm_upd() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.address = OLD.address AND NEW.domain_id = OLD.domain_id THEN
        RETURN NULL;
    END IF;
    DELETE FROM vmailadm_alias_trgm WHERE domain_id = OLD.domain_id AND address = OLD.address
        AND gram IN (SELECT substr(OLD.address, s, 3) FROM generate_series(1, char_length(OLD.address) - 2) s);
    INSERT INTO vmailadm_alias_trgm (gram, domain_id, address)
        SELECT substr(NEW.address, s, 3), NEW.domain_id, NEW.address
        FROM generate_series(1, char_length(NEW.address) - 2) s
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
-- filled before the key is made: one sort instead of an index insert a row
INSERT INTO vmailadm_mailbox_trgm (gram, domain_id, address)
    SELECT DISTINCT substr(mb.address, s, 3), mb.domain_id, mb.address FROM admin_mailbox mb
    CROSS JOIN LATERAL generate_series(1, char_length(mb.address) - 2) s;
INSERT INTO vmailadm_alias_trgm (gram, domain_id, address)
    SELECT DISTINCT substr(al.address, s, 3), al.domain_id, al.address FROM admin_alias al
    CROSS JOIN LATERAL generate_series(1, char_length(al.address) - 2) s;
CREATE UNIQUE INDEX vmailadm_mailbox_trgm_key ON vmailadm_mailbox_trgm (gram, domain_id, address);
CREATE UNIQUE INDEX vmailadm_alias_trgm_key ON vmailadm_alias_trgm (gram, domain_id, address);
CREATE TRIGGER vmailadm_mailbox_trgm_ins AFTER INSERT ON admin_mailbox REFERENCING NEW TABLE AS vmailadm_new
    FOR EACH STATEMENT EXECUTE FUNCTION vmailadm_mailbox_trgm_ins();
CREATE TRIGGER vmailadm_mailbox_trgm_del AFTER DELETE ON admin_mailbox REFERENCING OLD TABLE AS vmailadm_old
    FOR EACH STATEMENT EXECUTE FUNCTION vmailadm_mailbox_trgm_del();
CREATE TRIGGER vmailadm_mailbox_trgm_upd AFTER UPDATE ON admin_mailbox FOR EACH ROW
    EXECUTE FUNCTION vmailadm_mailbox_trgm_upd();
CREATE TRIGGER vmailadm_alias_trgm_ins AFTER INSERT ON admin_alias REFERENCING NEW TABLE AS vmailadm_new
    FOR EACH STATEMENT EXECUTE FUNCTION vmailadm_alias_trgm_ins();
CREATE TRIGGER vmailadm_alias_trgm_del AFTER DELETE ON admin_alias REFERENCING OLD TABLE AS vmailadm_old
    FOR EACH STATEMENT EXECUTE FUNCTION vmailadm_alias_trgm_del();
CREATE TRIGGER vmailadm_alias_trgm_upd AFTER UPDATE ON admin_alias FOR EACH ROW
    EXECUTE FUNCTION vmailadm_alias_trgm_upd();
