-- vmailadm: the vacation (out-of-office) reply of a mailbox, as an
-- administrator set it with `vacation set`; rendered into the mailbox's
-- script in vmailadm_sieve. Keyed by the mailbox's id so that a rename keeps
-- it; domain_id (kept equal to admin_mailbox.domain_id) makes
-- `vacation list DOMAIN` one indexed query. Dates are YYYY-MM-DD or NULL.
CREATE TABLE vmailadm_vacation (
    mbox_id bigint NOT NULL PRIMARY KEY,
    domain_id bigint NOT NULL,
    subject varchar(255) NOT NULL,
    body text NOT NULL,
    from_date varchar(10) NULL,
    until_date varchar(10) NULL,
    days integer NOT NULL,
    addresses text NOT NULL,
    enabled smallint NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE INDEX vmailadm_vacation_domain ON vmailadm_vacation (domain_id, mbox_id);
CREATE INDEX vmailadm_vacation_active ON vmailadm_vacation (enabled, until_date);
