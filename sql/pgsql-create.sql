-- SPDX-License-Identifier: MIT
-- Modoboa 1.0.x tables for PostgreSQL, as `vmailadm db init` creates them.
-- Names, types and constraints follow Modoboa 1.0.1 (Django); what vmailadm adds
-- is marked "vmailadm:" and keeps Dovecot's and Postfix's statements working.
CREATE TABLE auth_group (
    id serial PRIMARY KEY,
    name varchar(80) NOT NULL UNIQUE
);
CREATE TABLE django_content_type (
    id serial PRIMARY KEY,
    app_label varchar(100) NOT NULL,
    model varchar(100) NOT NULL,
    UNIQUE (app_label, model)
);
CREATE TABLE admin_user (
    id serial PRIMARY KEY,
    password varchar(128) NOT NULL,
    last_login timestamp with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
    is_superuser boolean NOT NULL DEFAULT false,
    username varchar(254) NOT NULL UNIQUE,
    first_name varchar(30) NOT NULL DEFAULT '',
    last_name varchar(30) NOT NULL DEFAULT '',
    email varchar(254) NOT NULL DEFAULT '',
    is_staff boolean NOT NULL DEFAULT false,
    is_active boolean NOT NULL DEFAULT true,
    date_joined timestamp with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
    is_local boolean NOT NULL DEFAULT true
);
-- vmailadm: Dovecot's password_query looks accounts up by email
CREATE INDEX admin_user_email ON admin_user (email);
CREATE TABLE admin_user_groups (
    id serial PRIMARY KEY,
    user_id integer NOT NULL REFERENCES admin_user (id) DEFERRABLE INITIALLY DEFERRED,
    group_id integer NOT NULL REFERENCES auth_group (id) DEFERRABLE INITIALLY DEFERRED,
    UNIQUE (user_id, group_id)
);
CREATE INDEX admin_user_groups_group_id ON admin_user_groups (group_id);
CREATE TABLE admin_objectdates (
    id serial PRIMARY KEY,
    creation timestamp with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
    last_modification timestamp with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE admin_objectaccess (
    id serial PRIMARY KEY,
    user_id integer NOT NULL REFERENCES admin_user (id) DEFERRABLE INITIALLY DEFERRED,
    content_type_id integer NOT NULL REFERENCES django_content_type (id) DEFERRABLE INITIALLY DEFERRED,
    object_id integer NOT NULL CHECK (object_id >= 0),
    is_owner boolean NOT NULL DEFAULT false,
    UNIQUE (user_id, content_type_id, object_id)
);
CREATE INDEX admin_objectaccess_object ON admin_objectaccess (content_type_id, object_id);
CREATE TABLE admin_domain (
    id serial PRIMARY KEY,
    name varchar(100) NOT NULL UNIQUE,
    quota integer NOT NULL DEFAULT 0,
    enabled boolean NOT NULL DEFAULT true,
    dates_id integer NOT NULL REFERENCES admin_objectdates (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE admin_domainalias (
    id serial PRIMARY KEY,
    name varchar(100) NOT NULL UNIQUE,
    target_id integer NOT NULL REFERENCES admin_domain (id) DEFERRABLE INITIALLY DEFERRED,
    enabled boolean NOT NULL DEFAULT true,
    dates_id integer NOT NULL REFERENCES admin_objectdates (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX admin_domainalias_target_id ON admin_domainalias (target_id);
CREATE TABLE admin_mailbox (
    id serial PRIMARY KEY,
    address varchar(252) NOT NULL,
    quota integer NOT NULL DEFAULT 0 CHECK (quota >= 0),
    use_domain_quota boolean NOT NULL DEFAULT false,
    domain_id integer NOT NULL REFERENCES admin_domain (id) DEFERRABLE INITIALLY DEFERRED,
    user_id integer NOT NULL REFERENCES admin_user (id) DEFERRABLE INITIALLY DEFERRED,
    dates_id integer NOT NULL REFERENCES admin_objectdates (id) DEFERRABLE INITIALLY DEFERRED
);
-- vmailadm: one address per domain; the console's keyset pages and prefix search
CREATE UNIQUE INDEX admin_mailbox_domain_address ON admin_mailbox (domain_id, address) INCLUDE (id);
CREATE INDEX admin_mailbox_address_pattern ON admin_mailbox (domain_id, address varchar_pattern_ops);
CREATE INDEX admin_mailbox_user_id ON admin_mailbox (user_id);
CREATE TABLE admin_alias (
    id serial PRIMARY KEY,
    address varchar(254) NOT NULL,
    domain_id integer NOT NULL REFERENCES admin_domain (id) DEFERRABLE INITIALLY DEFERRED,
    extmboxes text NOT NULL DEFAULT '',
    enabled boolean NOT NULL DEFAULT true,
    dates_id integer NOT NULL REFERENCES admin_objectdates (id) DEFERRABLE INITIALLY DEFERRED,
    UNIQUE (address, domain_id)
);
-- vmailadm: a domain's aliases in address order
CREATE INDEX admin_alias_domain_address ON admin_alias (domain_id, address);
CREATE TABLE admin_alias_mboxes (
    id serial PRIMARY KEY,
    alias_id integer NOT NULL REFERENCES admin_alias (id) DEFERRABLE INITIALLY DEFERRED,
    mailbox_id integer NOT NULL REFERENCES admin_mailbox (id) DEFERRABLE INITIALLY DEFERRED,
    UNIQUE (alias_id, mailbox_id)
);
CREATE INDEX admin_alias_mboxes_mailbox_id ON admin_alias_mboxes (mailbox_id);
CREATE TABLE admin_alias_aliases (
    id serial PRIMARY KEY,
    from_alias_id integer NOT NULL REFERENCES admin_alias (id) DEFERRABLE INITIALLY DEFERRED,
    to_alias_id integer NOT NULL REFERENCES admin_alias (id) DEFERRABLE INITIALLY DEFERRED,
    UNIQUE (from_alias_id, to_alias_id)
);
CREATE INDEX admin_alias_aliases_to_alias_id ON admin_alias_aliases (to_alias_id);
CREATE TABLE admin_quota (
    username varchar(254) NOT NULL PRIMARY KEY,
    bytes bigint NOT NULL DEFAULT 0,
    messages integer NOT NULL DEFAULT 0,
    mbox_id integer NULL UNIQUE REFERENCES admin_mailbox (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE admin_mailboxoperation (
    id serial PRIMARY KEY,
    mailbox_id integer NULL REFERENCES admin_mailbox (id) DEFERRABLE INITIALLY DEFERRED,
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
    id serial PRIMARY KEY,
    at timestamp NOT NULL,
    actor varchar(254) NOT NULL,
    origin varchar(128) NOT NULL,
    object varchar(32) NOT NULL,
    object_key text NOT NULL,
    op varchar(8) NOT NULL,
    before_value text NULL,
    after_value text NULL
);
CREATE INDEX vmailadm_audit_at ON vmailadm_audit (at);
