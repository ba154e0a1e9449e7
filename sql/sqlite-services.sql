-- vmailadm: the services a mailbox may log in to (Dovecot's password_query
-- checks the one asked for, %s). No row: every service, as before.
-- send_only: the account may submit mail but has no mailbox (Postfix does
-- not accept mail for it); imap, pop3 and sieve are then stored as false.
CREATE TABLE vmailadm_services (
    mailbox_id integer NOT NULL PRIMARY KEY,
    imap integer NOT NULL,
    pop3 integer NOT NULL,
    smtp integer NOT NULL,
    sieve integer NOT NULL,
    send_only integer NOT NULL
);
