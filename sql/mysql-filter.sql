-- vmailadm: the filter rules of a mailbox, as an administrator set them with
-- `filter add`, run in ord order; rendered into the mailbox's script in
-- vmailadm_sieve. tests holds one HEADER:OP:VALUE a line; action is
-- fileinto, redirect, discard or keep with its argument (folder, address, '').
CREATE TABLE vmailadm_filter (
    mbox_id bigint NOT NULL,
    name varchar(64) NOT NULL,
    ord integer NOT NULL,
    match_any smallint NOT NULL,
    tests text NOT NULL,
    action varchar(16) NOT NULL,
    argument varchar(255) NOT NULL,
    stop smallint NOT NULL,
    PRIMARY KEY (mbox_id, name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE INDEX vmailadm_filter_ord ON vmailadm_filter (mbox_id, ord);
