-- vmailadm: the substring search index (core/search.h), added by `db init` and `db
-- upgrade`. FTS5 trigram tables over the local parts of mailboxes and the addresses
-- of aliases, external content (the text stays in admin_mailbox / admin_alias: only
-- the trigrams are stored), kept by triggers. A search reads its candidates here and
-- still filters them with the same LIKE as without the index, so the index only has to
-- hold every match (the tokenizer folds case: a superset of LIKE's ASCII folding).
-- Run whole when anything is missing: a table without its triggers may be stale.
DROP TRIGGER IF EXISTS vmailadm_mailbox_fts_ins;
DROP TRIGGER IF EXISTS vmailadm_mailbox_fts_del;
DROP TRIGGER IF EXISTS vmailadm_mailbox_fts_upd;
DROP TRIGGER IF EXISTS vmailadm_alias_fts_ins;
DROP TRIGGER IF EXISTS vmailadm_alias_fts_del;
DROP TRIGGER IF EXISTS vmailadm_alias_fts_upd;
DROP TABLE IF EXISTS vmailadm_mailbox_fts;
DROP TABLE IF EXISTS vmailadm_alias_fts;
CREATE VIRTUAL TABLE vmailadm_mailbox_fts USING fts5(address, tokenize = 'trigram',
    content = 'admin_mailbox', content_rowid = 'id');
CREATE VIRTUAL TABLE vmailadm_alias_fts USING fts5(address, tokenize = 'trigram',
    content = 'admin_alias', content_rowid = 'id');
CREATE TRIGGER vmailadm_mailbox_fts_ins AFTER INSERT ON admin_mailbox BEGIN
    INSERT INTO vmailadm_mailbox_fts (rowid, address) VALUES (new.id, new.address);
END;
CREATE TRIGGER vmailadm_mailbox_fts_del AFTER DELETE ON admin_mailbox BEGIN
    INSERT INTO vmailadm_mailbox_fts (vmailadm_mailbox_fts, rowid, address) VALUES ('delete', old.id, old.address);
END;
CREATE TRIGGER vmailadm_mailbox_fts_upd AFTER UPDATE OF id, address ON admin_mailbox BEGIN
    INSERT INTO vmailadm_mailbox_fts (vmailadm_mailbox_fts, rowid, address) VALUES ('delete', old.id, old.address);
    INSERT INTO vmailadm_mailbox_fts (rowid, address) VALUES (new.id, new.address);
END;
CREATE TRIGGER vmailadm_alias_fts_ins AFTER INSERT ON admin_alias BEGIN
    INSERT INTO vmailadm_alias_fts (rowid, address) VALUES (new.id, new.address);
END;
CREATE TRIGGER vmailadm_alias_fts_del AFTER DELETE ON admin_alias BEGIN
    INSERT INTO vmailadm_alias_fts (vmailadm_alias_fts, rowid, address) VALUES ('delete', old.id, old.address);
END;
CREATE TRIGGER vmailadm_alias_fts_upd AFTER UPDATE OF id, address ON admin_alias BEGIN
    INSERT INTO vmailadm_alias_fts (vmailadm_alias_fts, rowid, address) VALUES ('delete', old.id, old.address);
    INSERT INTO vmailadm_alias_fts (rowid, address) VALUES (new.id, new.address);
END;
INSERT INTO vmailadm_mailbox_fts (vmailadm_mailbox_fts) VALUES ('rebuild');
INSERT INTO vmailadm_alias_fts (vmailadm_alias_fts) VALUES ('rebuild');
