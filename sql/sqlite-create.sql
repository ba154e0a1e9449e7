-- SPDX-License-Identifier: MIT
-- Modoboa 1.0.x tables for SQLite, with Django's SQLite type names, as
-- `vmailadm db init` creates them. What vmailadm adds is marked "vmailadm:".
PRAGMA foreign_keys = ON;
CREATE TABLE auth_group (
    id integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    name varchar(80) NOT NULL UNIQUE
);
CREATE TABLE django_content_type (
    id integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    app_label varchar(100) NOT NULL,
    model varchar(100) NOT NULL,
    UNIQUE (app_label, model)
);
CREATE TABLE admin_user (
    id integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    password varchar(128) NOT NULL,
    last_login datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
    is_superuser bool NOT NULL DEFAULT 0,
    username varchar(254) NOT NULL UNIQUE,
    first_name varchar(30) NOT NULL DEFAULT '',
    last_name varchar(30) NOT NULL DEFAULT '',
    email varchar(254) NOT NULL DEFAULT '',
    is_staff bool NOT NULL DEFAULT 0,
    is_active bool NOT NULL DEFAULT 1,
    date_joined datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
    is_local bool NOT NULL DEFAULT 1
);
-- vmailadm: Dovecot's password_query looks accounts up by email
CREATE INDEX admin_user_email ON admin_user (email);
CREATE TABLE admin_user_groups (
    id integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    user_id integer NOT NULL REFERENCES admin_user (id),
    group_id integer NOT NULL REFERENCES auth_group (id),
    UNIQUE (user_id, group_id)
);
CREATE INDEX admin_user_groups_group_id ON admin_user_groups (group_id);
CREATE TABLE admin_objectdates (
    id integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    creation datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
    last_modification datetime NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE admin_objectaccess (
    id integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    user_id integer NOT NULL REFERENCES admin_user (id),
    content_type_id integer NOT NULL REFERENCES django_content_type (id),
    object_id integer unsigned NOT NULL CHECK (object_id >= 0),
    is_owner bool NOT NULL DEFAULT 0,
    UNIQUE (user_id, content_type_id, object_id)
);
CREATE INDEX admin_objectaccess_object ON admin_objectaccess (content_type_id, object_id);
CREATE TABLE admin_domain (
    id integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    name varchar(100) NOT NULL UNIQUE,
    quota integer NOT NULL DEFAULT 0,
    enabled bool NOT NULL DEFAULT 1,
    dates_id integer NOT NULL REFERENCES admin_objectdates (id)
);
CREATE TABLE admin_domainalias (
    id integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    name varchar(100) NOT NULL UNIQUE,
    target_id integer NOT NULL REFERENCES admin_domain (id),
    enabled bool NOT NULL DEFAULT 1,
    dates_id integer NOT NULL REFERENCES admin_objectdates (id)
);
CREATE INDEX admin_domainalias_target_id ON admin_domainalias (target_id);
CREATE TABLE admin_mailbox (
    id integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    address varchar(252) NOT NULL,
    quota integer unsigned NOT NULL DEFAULT 0 CHECK (quota >= 0),
    use_domain_quota bool NOT NULL DEFAULT 0,
    domain_id integer NOT NULL REFERENCES admin_domain (id),
    user_id integer NOT NULL REFERENCES admin_user (id),
    dates_id integer NOT NULL REFERENCES admin_objectdates (id)
);
-- vmailadm: one address per domain; the console's keyset pages and prefix search
CREATE UNIQUE INDEX admin_mailbox_domain_address ON admin_mailbox (domain_id, address);
CREATE INDEX admin_mailbox_user_id ON admin_mailbox (user_id);
CREATE TABLE admin_alias (
    id integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    address varchar(254) NOT NULL,
    domain_id integer NOT NULL REFERENCES admin_domain (id),
    extmboxes text NOT NULL DEFAULT '',
    enabled bool NOT NULL DEFAULT 1,
    dates_id integer NOT NULL REFERENCES admin_objectdates (id),
    UNIQUE (address, domain_id)
);
-- vmailadm: a domain's aliases in address order
CREATE INDEX admin_alias_domain_address ON admin_alias (domain_id, address);
CREATE TABLE admin_alias_mboxes (
    id integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    alias_id integer NOT NULL REFERENCES admin_alias (id),
    mailbox_id integer NOT NULL REFERENCES admin_mailbox (id),
    UNIQUE (alias_id, mailbox_id)
);
CREATE INDEX admin_alias_mboxes_mailbox_id ON admin_alias_mboxes (mailbox_id);
CREATE TABLE admin_alias_aliases (
    id integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    from_alias_id integer NOT NULL REFERENCES admin_alias (id),
    to_alias_id integer NOT NULL REFERENCES admin_alias (id),
    UNIQUE (from_alias_id, to_alias_id)
);
CREATE INDEX admin_alias_aliases_to_alias_id ON admin_alias_aliases (to_alias_id);
CREATE TABLE admin_quota (
    username varchar(254) NOT NULL PRIMARY KEY,
    bytes bigint NOT NULL DEFAULT 0,
    messages integer NOT NULL DEFAULT 0,
    mbox_id integer NULL UNIQUE REFERENCES admin_mailbox (id)
);
CREATE TABLE admin_mailboxoperation (
    id integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    mailbox_id integer NULL REFERENCES admin_mailbox (id),
    type varchar(20) NOT NULL,
    argument text NOT NULL
);
CREATE INDEX admin_mailboxoperation_mailbox_id ON admin_mailboxoperation (mailbox_id);
-- vmailadm: its own bookkeeping (schema version), named apart from Modoboa's tables
CREATE TABLE vmailadm_meta (
    name varchar(64) NOT NULL PRIMARY KEY,
    value text NOT NULL
);
INSERT INTO auth_group (name) VALUES ('SimpleUsers'), ('DomainAdmins');
INSERT INTO django_content_type (app_label, model) VALUES ('admin', 'domain');
INSERT INTO vmailadm_meta (name, value) VALUES ('schema_version', '1');
-- vmailadm: the audit log (who changed what, from where, before and after; never a password)
CREATE TABLE vmailadm_audit (
    id integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    at datetime NOT NULL,
    actor varchar(254) NOT NULL,
    origin varchar(128) NOT NULL,
    object varchar(32) NOT NULL,
    object_key text NOT NULL,
    op varchar(8) NOT NULL,
    before_value text NULL,
    after_value text NULL
);
CREATE INDEX vmailadm_audit_at ON vmailadm_audit (at);
