-- vmailadm: the columns of live quota usage (sqlite-quota.sql); SQLite has no
-- ADD COLUMN IF NOT EXISTS, so `db upgrade` runs this only when they are missing.
ALTER TABLE admin_quota ADD COLUMN quota_mb integer NULL;
ALTER TABLE admin_quota ADD COLUMN domain_id integer NULL;
ALTER TABLE admin_quota ADD COLUMN changed integer NOT NULL DEFAULT 0;
