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
