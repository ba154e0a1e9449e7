-- vmailadm: the audit log (who changed what, from where, before and after; never a password)
CREATE TABLE vmailadm_audit (
    id serial PRIMARY KEY,
    at timestamp NOT NULL,
    actor varchar(254) NOT NULL,
    origin varchar(128) NOT NULL,
    object varchar(32) NOT NULL,
    object_key text NOT NULL,
    op varchar(8) NOT NULL,
    before_value text NULL,
    after_value text NULL
);
CREATE INDEX vmailadm_audit_at ON vmailadm_audit (at);
