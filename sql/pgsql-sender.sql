-- vmailadm: addresses a mailbox may send as beyond its own, its lists' and
-- its domain aliases' (the submission service's sender check reads them
-- through sql-sender-login.cf). local_part '' grants the whole domain
-- (@domain). domain is text: a superadministrator may grant an address of
-- no local domain. Keyed by the mailbox's id, so a mailbox rename keeps
-- its grants; the primary key serves the map's lookup by address.
CREATE TABLE vmailadm_sender (
    mailbox_id integer NOT NULL,
    local_part varchar(64) NOT NULL,
    domain varchar(255) NOT NULL,
    PRIMARY KEY (domain, local_part, mailbox_id)
);
CREATE INDEX vmailadm_sender_mailbox ON vmailadm_sender (mailbox_id);
