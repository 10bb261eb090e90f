-- compare.sql — a fingerprint of everything a database holds in schema bounce_mgmt (every table and
-- partition: row count and a hash of its sorted rows; sequences' positions) and of what it answers
-- (rates, pending notices, can_send), one line each; test/dump/run.sh diffs it before and after a restore.
\set ON_ERROR_STOP on
\pset format unaligned
\pset tuples_only on
SET search_path = pg_catalog;
SET TimeZone = 'UTC';
SELECT format('SELECT %L || '' '' || count(*) || '' '' || coalesce(md5(string_agg(t::text, ''|'' ORDER BY t::text)), ''-'') FROM %s t',
              c.oid::regclass::text, c.oid::regclass)
  FROM pg_class c
 WHERE c.relnamespace = 'bounce_mgmt'::regnamespace AND c.relkind IN ('r', 'p')
 ORDER BY c.relname \gexec
SELECT format('SELECT %L || '' '' || last_value || '' '' || is_called FROM %s', c.oid::regclass::text, c.oid::regclass)
  FROM pg_class c
 WHERE c.relnamespace = 'bounce_mgmt'::regnamespace AND c.relkind = 'S'
 ORDER BY c.relname \gexec
SELECT 'partition ' || c.relname || ' ' || pg_get_expr(c.relpartbound, c.oid) || ' indexes '
       || (SELECT string_agg(pg_get_indexdef(i.indexrelid), '; ' ORDER BY 1) FROM pg_index i WHERE i.indrelid = c.oid)
  FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid
 WHERE h.inhparent = 'bounce_mgmt.events'::regclass ORDER BY c.relname;
SELECT 'rates ' || r::text FROM bounce_mgmt.bounce_rates('1 day', now() - interval '400 days', now(), NULL, 'Asia/Tokyo') r;
SELECT 'notice ' || n::text FROM bounce_mgmt.pending_notices n ORDER BY n.email;
SELECT 'can_send ' || e.email || ' ' || bounce_mgmt.can_send(e.email)
  FROM (SELECT DISTINCT email FROM bounce_mgmt.events) e ORDER BY 1;
SELECT 'settings ' || s::text FROM bounce_mgmt.settings s;
-- list hygiene (issue 11)
SELECT 'winback ' || w::text FROM bounce_mgmt.winback_report() w;
SELECT 'stale ' || s.email || ' ' || s.not_mailed || ' ' || s.not_engaged
  FROM bounce_mgmt.stale_recipients('1 hour', '1 hour') s ORDER BY s.email;
SELECT 'can_send marketing ' || e.email || ' ' || bounce_mgmt.can_send(e.email, 'marketing:weekly')
  FROM (SELECT DISTINCT email FROM bounce_mgmt.events) e ORDER BY 1;
SELECT 'rates by group ' || r::text
  FROM bounce_mgmt.bounce_rates('1 day', now() - interval '400 days', now(), 'domain_group') r;
