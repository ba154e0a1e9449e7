-- vmailadm: the services a mailbox may log in to (Dovecot's password_query
-- checks the one asked for, %s). No row: every service, as before.
-- send_only: the account may submit mail but has no mailbox (Postfix does
-- not accept mail for it); imap, pop3 and sieve are then stored as false.
CREATE TABLE vmailadm_services (
    mailbox_id integer NOT NULL PRIMARY KEY,
    imap tinyint(1) NOT NULL,
    pop3 tinyint(1) NOT NULL,
    smtp tinyint(1) NOT NULL,
    sieve tinyint(1) NOT NULL,
    send_only tinyint(1) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
