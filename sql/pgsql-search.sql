-- vmailadm: the substring search index (core/search.h), added by `db init` and `db
-- upgrade` once the extension pg_trgm is there (core/search.c creates it when the role
-- may: it is a trusted extension, so a database owner may). GIN trigram indexes serve
-- the same LIKE '%text%' the search runs without them; PostgreSQL keeps them itself.
CREATE INDEX IF NOT EXISTS vmailadm_mailbox_address_trgm ON admin_mailbox USING gin (address gin_trgm_ops);
CREATE INDEX IF NOT EXISTS vmailadm_alias_address_trgm ON admin_alias USING gin (address gin_trgm_ops);
