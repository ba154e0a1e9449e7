-- vmailadm: the services a domain's new mailboxes get (domain set NAME
-- services=imap,smtp); copied into vmailadm_services when a mailbox is
-- added, so changing it later leaves existing mailboxes alone. No row:
-- every service.
CREATE TABLE vmailadm_domain_services (
    domain_id integer NOT NULL PRIMARY KEY,
    imap boolean NOT NULL,
    pop3 boolean NOT NULL,
    smtp boolean NOT NULL,
    sieve boolean NOT NULL
);
