-- 000_header.sql — guard against running the install script outside CREATE EXTENSION.
\echo Use "CREATE EXTENSION bounce_mgmt" to load this file. \quit
