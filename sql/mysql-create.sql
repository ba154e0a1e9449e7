-- SPDX-License-Identifier: MIT
-- Modoboa 1.0.x tables for MySQL/MariaDB (InnoDB, utf8mb4), as `vmailadm db init`
-- creates them. Booleans are tinyint(1) as Django makes them. What vmailadm adds is
-- marked "vmailadm:" and keeps Dovecot's and Postfix's statements working.
CREATE TABLE auth_group (
    id integer AUTO_INCREMENT NOT NULL PRIMARY KEY,
    name varchar(80) NOT NULL UNIQUE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE django_content_type (
    id integer AUTO_INCREMENT NOT NULL PRIMARY KEY,
    app_label varchar(100) NOT NULL,
    model varchar(100) NOT NULL,
    UNIQUE (app_label, model)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE admin_user (
    id integer AUTO_INCREMENT NOT NULL PRIMARY KEY,
    password varchar(128) NOT NULL,
    last_login datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    is_superuser tinyint(1) NOT NULL DEFAULT 0,
    username varchar(254) NOT NULL UNIQUE,
    first_name varchar(30) NOT NULL DEFAULT '',
    last_name varchar(30) NOT NULL DEFAULT '',
    email varchar(254) NOT NULL DEFAULT '',
    is_staff tinyint(1) NOT NULL DEFAULT 0,
    is_active tinyint(1) NOT NULL DEFAULT 1,
    date_joined datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    is_local tinyint(1) NOT NULL DEFAULT 1,
    -- vmailadm: Dovecot's password_query looks accounts up by email
    KEY admin_user_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE admin_user_groups (
    id integer AUTO_INCREMENT NOT NULL PRIMARY KEY,
    user_id integer NOT NULL,
    group_id integer NOT NULL,
    UNIQUE (user_id, group_id),
    KEY admin_user_groups_group_id (group_id),
    FOREIGN KEY (user_id) REFERENCES admin_user (id),
    FOREIGN KEY (group_id) REFERENCES auth_group (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE admin_objectdates (
    id integer AUTO_INCREMENT NOT NULL PRIMARY KEY,
    creation datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    last_modification datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE admin_objectaccess (
    id integer AUTO_INCREMENT NOT NULL PRIMARY KEY,
    user_id integer NOT NULL,
    content_type_id integer NOT NULL,
    object_id integer UNSIGNED NOT NULL,
    is_owner tinyint(1) NOT NULL DEFAULT 0,
    UNIQUE (user_id, content_type_id, object_id),
    KEY admin_objectaccess_object (content_type_id, object_id),
    FOREIGN KEY (user_id) REFERENCES admin_user (id),
    FOREIGN KEY (content_type_id) REFERENCES django_content_type (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE admin_domain (
    id integer AUTO_INCREMENT NOT NULL PRIMARY KEY,
    name varchar(100) NOT NULL UNIQUE,
    quota integer NOT NULL DEFAULT 0,
    enabled tinyint(1) NOT NULL DEFAULT 1,
    dates_id integer NOT NULL,
    FOREIGN KEY (dates_id) REFERENCES admin_objectdates (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE admin_domainalias (
    id integer AUTO_INCREMENT NOT NULL PRIMARY KEY,
    name varchar(100) NOT NULL UNIQUE,
    target_id integer NOT NULL,
    enabled tinyint(1) NOT NULL DEFAULT 1,
    dates_id integer NOT NULL,
    KEY admin_domainalias_target_id (target_id),
    FOREIGN KEY (target_id) REFERENCES admin_domain (id),
    FOREIGN KEY (dates_id) REFERENCES admin_objectdates (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE admin_mailbox (
    id integer AUTO_INCREMENT NOT NULL PRIMARY KEY,
    address varchar(252) NOT NULL,
    quota integer UNSIGNED NOT NULL DEFAULT 0,
    use_domain_quota tinyint(1) NOT NULL DEFAULT 0,
    domain_id integer NOT NULL,
    user_id integer NOT NULL,
    dates_id integer NOT NULL,
    -- vmailadm: one address per domain; the console's keyset pages and prefix search
    UNIQUE KEY admin_mailbox_domain_address (domain_id, address),
    KEY admin_mailbox_user_id (user_id),
    FOREIGN KEY (domain_id) REFERENCES admin_domain (id),
    FOREIGN KEY (user_id) REFERENCES admin_user (id),
    FOREIGN KEY (dates_id) REFERENCES admin_objectdates (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE admin_alias (
    id integer AUTO_INCREMENT NOT NULL PRIMARY KEY,
    address varchar(254) NOT NULL,
    domain_id integer NOT NULL,
    extmboxes longtext NOT NULL,
    enabled tinyint(1) NOT NULL DEFAULT 1,
    dates_id integer NOT NULL,
    UNIQUE (address, domain_id),
    -- vmailadm: a domain's aliases in address order
    KEY admin_alias_domain_address (domain_id, address),
    FOREIGN KEY (domain_id) REFERENCES admin_domain (id),
    FOREIGN KEY (dates_id) REFERENCES admin_objectdates (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE admin_alias_mboxes (
    id integer AUTO_INCREMENT NOT NULL PRIMARY KEY,
    alias_id integer NOT NULL,
    mailbox_id integer NOT NULL,
    UNIQUE (alias_id, mailbox_id),
    KEY admin_alias_mboxes_mailbox_id (mailbox_id),
    FOREIGN KEY (alias_id) REFERENCES admin_alias (id),
    FOREIGN KEY (mailbox_id) REFERENCES admin_mailbox (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE admin_alias_aliases (
    id integer AUTO_INCREMENT NOT NULL PRIMARY KEY,
    from_alias_id integer NOT NULL,
    to_alias_id integer NOT NULL,
    UNIQUE (from_alias_id, to_alias_id),
    KEY admin_alias_aliases_to_alias_id (to_alias_id),
    FOREIGN KEY (from_alias_id) REFERENCES admin_alias (id),
    FOREIGN KEY (to_alias_id) REFERENCES admin_alias (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE admin_quota (
    username varchar(254) NOT NULL PRIMARY KEY,
    bytes bigint NOT NULL DEFAULT 0,
    messages integer NOT NULL DEFAULT 0,
    mbox_id integer NULL UNIQUE,
    FOREIGN KEY (mbox_id) REFERENCES admin_mailbox (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE admin_mailboxoperation (
    id integer AUTO_INCREMENT NOT NULL PRIMARY KEY,
    mailbox_id integer NULL,
    type varchar(20) NOT NULL,
    argument longtext NOT NULL,
    KEY admin_mailboxoperation_mailbox_id (mailbox_id),
    FOREIGN KEY (mailbox_id) REFERENCES admin_mailbox (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- vmailadm: its own bookkeeping (schema version), named apart from Modoboa's tables
CREATE TABLE vmailadm_meta (
    name varchar(64) NOT NULL PRIMARY KEY,
    value text NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT INTO auth_group (name) VALUES ('SimpleUsers'), ('DomainAdmins');
INSERT INTO django_content_type (app_label, model) VALUES ('admin', 'domain');
INSERT INTO vmailadm_meta (name, value) VALUES ('schema_version', '1');
-- vmailadm: the audit log (who changed what, from where, before and after; never a password)
CREATE TABLE vmailadm_audit (
    id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
    at datetime NOT NULL,
    actor varchar(254) NOT NULL,
    origin varchar(128) NOT NULL,
    object varchar(32) NOT NULL,
    object_key text NOT NULL,
    op varchar(8) NOT NULL,
    before_value text NULL,
    after_value text NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE INDEX vmailadm_audit_at ON vmailadm_audit (at);
