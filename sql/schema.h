/* SPDX-License-Identifier: MIT */
/* schema.h: the SQL files of sql/, compiled into the binary (sql/embed.sh). */
#ifndef VMAILADM_SQL_SCHEMA_H
#define VMAILADM_SQL_SCHEMA_H

struct sql_file {
	const char *name; /* e.g. "pgsql-create.sql" */
	const char *text;
};

/* Terminated by an entry whose name is NULL. */
extern const struct sql_file sql_files[];

/* The text of the named file, or NULL. */
const char *sql_file_text(const char *name);

#endif
