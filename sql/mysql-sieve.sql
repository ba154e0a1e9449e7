-- vmailadm: one Sieve script per mailbox, rendered by vmailadm from what an
-- administrator set (vacation, filters), run by Dovecot before the user's own
-- script (sieve_before through the SQL dict: priv/sieve/name/$script_name ->
-- script_id, priv/sieve/data/$script_id -> script_data). script_id changes
-- whenever script_data does: Pigeonhole caches the compiled script by it.
CREATE TABLE vmailadm_sieve (
    username varchar(254) NOT NULL,
    script_name varchar(64) NOT NULL,
    script_id varchar(64) NOT NULL,
    script_data text NOT NULL,
    PRIMARY KEY (username, script_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE UNIQUE INDEX vmailadm_sieve_id ON vmailadm_sieve (username, script_id);
