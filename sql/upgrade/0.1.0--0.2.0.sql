-- upgrade/0.1.0--0.2.0.sql — the state migration from release 0.1.0 to 0.2.0: tables, types, indexes and
-- data that changed.  make appends sql/code/*.sql to it (every function, view, trigger and grant of
-- 0.2.0), giving sql/bounce_mgmt--0.1.0--0.2.0.sql.  test/upgrade/run.sh checks that an upgraded
-- database has the same catalog as a fresh install and still answers the same.
\echo Use "ALTER EXTENSION bounce_mgmt UPDATE" to load this file. \quit
