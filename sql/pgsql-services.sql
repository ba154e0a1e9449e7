-- vmailadm: the services a mailbox may log in to (Dovecot's password_query
-- checks the one asked for, %s). No row: every service, as before.
-- send_only: the account may submit mail but has no mailbox (Postfix does
-- not accept mail for it); imap, pop3 and sieve are then stored as false.
CREATE TABLE vmailadm_services (
    mailbox_id integer NOT NULL PRIMARY KEY,
    imap boolean NOT NULL,
    pop3 boolean NOT NULL,
    smtp boolean NOT NULL,
    sieve boolean NOT NULL,
    send_only boolean NOT NULL
);
