-- vmailadm: the summary of the last `store check` of the whole store (core/storecheck.h),
-- one row per scope ('' = the whole store), shown by the monitor and the console.
-- kinds: "orphan-home=2,missing-home=1" (the kinds found, with their counts).
CREATE TABLE vmailadm_store_check (
    scope varchar(254) NOT NULL PRIMARY KEY,
    checked_at timestamp NOT NULL,
    with_usage integer NOT NULL,
    homes bigint NOT NULL,
    mailboxes bigint NOT NULL,
    findings bigint NOT NULL,
    kinds text NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
