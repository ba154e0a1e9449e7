-- vmailadm: the substring search index (core/search.h), added by `db init` and `db
-- upgrade`. MariaDB has no trigram index (its FULLTEXT indexes words, and no n-gram
-- parser): a side table per object holds every 3-character substring of the local part
-- (mailboxes) or address (aliases) with its domain, kept by triggers. A search joins the
-- rows of a few of the pattern's trigrams (the optimizer starts from the rarest, which
-- it knows by index dives) and still filters the candidates with the same LIKE as
-- without the index. The gram column takes the table's default collation, the one the
-- address columns have, so that a trigram matches whatever LIKE's comparison matches
-- (case, and accents in a pattern); INSERT IGNORE because such a collation makes
-- repeated trigrams of one address equal keys. Each row carries its address too, with a
-- key (gram, domain_id, address): a page of matches is then read in the list's order
-- from the trigram's rows alone and stops when it is full (core/match.c), where the
-- ids alone had to be joined and every candidate sorted.
-- Run whole when anything is missing: a table without its triggers may be stale.
DROP TRIGGER IF EXISTS vmailadm_mailbox_trgm_ins;
DROP TRIGGER IF EXISTS vmailadm_mailbox_trgm_del;
DROP TRIGGER IF EXISTS vmailadm_mailbox_trgm_upd;
DROP TRIGGER IF EXISTS vmailadm_alias_trgm_ins;
DROP TRIGGER IF EXISTS vmailadm_alias_trgm_del;
DROP TRIGGER IF EXISTS vmailadm_alias_trgm_upd;
DROP TABLE IF EXISTS vmailadm_mailbox_trgm;
DROP TABLE IF EXISTS vmailadm_alias_trgm;
CREATE TABLE vmailadm_mailbox_trgm (
    gram varchar(3) NOT NULL,
    domain_id integer NOT NULL,
    mailbox_id integer NOT NULL,
    address varchar(252) NOT NULL,
    PRIMARY KEY (gram, domain_id, mailbox_id),
    KEY vmailadm_mailbox_trgm_address (gram, domain_id, address)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE vmailadm_alias_trgm (
    gram varchar(3) NOT NULL,
    domain_id integer NOT NULL,
    alias_id integer NOT NULL,
    address varchar(254) NOT NULL,
    PRIMARY KEY (gram, domain_id, alias_id),
    KEY vmailadm_alias_trgm_address (gram, domain_id, address)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- @vmailadm_bulk: vmailadm's bulk creation (core/bulk.c) adds a slice's trigrams in one
-- statement (search_bulk_added) instead
CREATE TRIGGER vmailadm_mailbox_trgm_ins AFTER INSERT ON admin_mailbox FOR EACH ROW
BEGIN
    IF @vmailadm_bulk IS NULL THEN
        INSERT IGNORE INTO vmailadm_mailbox_trgm (gram, domain_id, mailbox_id, address)
            SELECT SUBSTRING(NEW.address, s.seq, 3), NEW.domain_id, NEW.id, NEW.address FROM seq_1_to_254 s
            WHERE s.seq <= CHAR_LENGTH(NEW.address) - 2;
    END IF;
END;
CREATE TRIGGER vmailadm_mailbox_trgm_del AFTER DELETE ON admin_mailbox FOR EACH ROW
    DELETE FROM vmailadm_mailbox_trgm WHERE domain_id = OLD.domain_id AND mailbox_id = OLD.id
        AND gram IN (SELECT SUBSTRING(OLD.address, s.seq, 3) FROM seq_1_to_254 s
                     WHERE s.seq <= CHAR_LENGTH(OLD.address) - 2);
CREATE TRIGGER vmailadm_mailbox_trgm_upd AFTER UPDATE ON admin_mailbox FOR EACH ROW
BEGIN
    IF NOT (BINARY NEW.address <=> BINARY OLD.address AND NEW.domain_id <=> OLD.domain_id
            AND NEW.id <=> OLD.id) THEN
        DELETE FROM vmailadm_mailbox_trgm WHERE domain_id = OLD.domain_id AND mailbox_id = OLD.id
            AND gram IN (SELECT SUBSTRING(OLD.address, s.seq, 3) FROM seq_1_to_254 s
                         WHERE s.seq <= CHAR_LENGTH(OLD.address) - 2);
        INSERT IGNORE INTO vmailadm_mailbox_trgm (gram, domain_id, mailbox_id, address)
            SELECT SUBSTRING(NEW.address, s.seq, 3), NEW.domain_id, NEW.id, NEW.address FROM seq_1_to_254 s
            WHERE s.seq <= CHAR_LENGTH(NEW.address) - 2;
    END IF;
END;
CREATE TRIGGER vmailadm_alias_trgm_ins AFTER INSERT ON admin_alias FOR EACH ROW
    INSERT IGNORE INTO vmailadm_alias_trgm (gram, domain_id, alias_id, address)
        SELECT SUBSTRING(NEW.address, s.seq, 3), NEW.domain_id, NEW.id, NEW.address FROM seq_1_to_254 s
        WHERE s.seq <= CHAR_LENGTH(NEW.address) - 2;
CREATE TRIGGER vmailadm_alias_trgm_del AFTER DELETE ON admin_alias FOR EACH ROW
    DELETE FROM vmailadm_alias_trgm WHERE domain_id = OLD.domain_id AND alias_id = OLD.id
        AND gram IN (SELECT SUBSTRING(OLD.address, s.seq, 3) FROM seq_1_to_254 s
                     WHERE s.seq <= CHAR_LENGTH(OLD.address) - 2);
CREATE TRIGGER vmailadm_alias_trgm_upd AFTER UPDATE ON admin_alias FOR EACH ROW
BEGIN
    IF NOT (BINARY NEW.address <=> BINARY OLD.address AND NEW.domain_id <=> OLD.domain_id
            AND NEW.id <=> OLD.id) THEN
        DELETE FROM vmailadm_alias_trgm WHERE domain_id = OLD.domain_id AND alias_id = OLD.id
            AND gram IN (SELECT SUBSTRING(OLD.address, s.seq, 3) FROM seq_1_to_254 s
                         WHERE s.seq <= CHAR_LENGTH(OLD.address) - 2);
        INSERT IGNORE INTO vmailadm_alias_trgm (gram, domain_id, alias_id, address)
            SELECT SUBSTRING(NEW.address, s.seq, 3), NEW.domain_id, NEW.id, NEW.address FROM seq_1_to_254 s
            WHERE s.seq <= CHAR_LENGTH(NEW.address) - 2;
    END IF;
END;
INSERT IGNORE INTO vmailadm_mailbox_trgm (gram, domain_id, mailbox_id, address)
    SELECT SUBSTRING(mb.address, s.seq, 3), mb.domain_id, mb.id, mb.address FROM admin_mailbox mb
    JOIN seq_1_to_254 s ON s.seq <= CHAR_LENGTH(mb.address) - 2;
INSERT IGNORE INTO vmailadm_alias_trgm (gram, domain_id, alias_id, address)
    SELECT SUBSTRING(al.address, s.seq, 3), al.domain_id, al.id, al.address FROM admin_alias al
    JOIN seq_1_to_254 s ON s.seq <= CHAR_LENGTH(al.address) - 2;
