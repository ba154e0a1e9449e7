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
-- Each domain's own trigrams of its mailboxes: pg_trgm's index holds every domain's rows,
-- so a search in one domain fetched and rechecked the matches of all of them ('*777*' at
-- 1M: 3,700 rows on 1,035 heap pages, the domain's 1,400 lay on 120; 2.9 against 1.5 ms,
-- tests/bench/RESULTS.md). Here every 3-character substring of the local part, as stored,
-- is the element "<domain_id>:<substring>", so that one element's rows are one domain's.
-- The elements are exact (no recheck); LIKE still decides. core/search.c uses it for the
-- rest of a page of a text the domain holds rarely (search_domain_grams).
CREATE OR REPLACE FUNCTION vmailadm_domain_grams(d integer, a text) RETURNS text[]
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	AS $$ SELECT ARRAY(SELECT d::text || ':' || substr(a, s, 3) FROM generate_series(1, char_length(a) - 2) s) $$;
CREATE INDEX IF NOT EXISTS vmailadm_mailbox_domain_grams ON admin_mailbox
	USING gin (vmailadm_domain_grams(domain_id, address::text)) WITH (gin_pending_list_limit = 256);
