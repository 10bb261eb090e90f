-- citus_keys: the tables that grow with the number of addresses can be distributed by email with Citus
-- (create_distributed_table(..., 'email'), README "Citus") without schema changes: every unique key of
-- events (of each monthly partition: the parent has none), addresses, suppressions, notices,
-- provider_listings, and of list hygiene's engagement, engagement_recent (insert-only: none), unsubscribes
-- and winback_members includes email, and no foreign key joins them to anything.  Checked from the
-- catalog: Citus itself is not installed in the test cluster.
SET client_min_messages = warning;
SELECT bounce_mgmt.create_partition('2026-01-15') IS NOT NULL AS partition_exists;
CREATE TEMP VIEW grown AS
    SELECT c.oid, coalesce(p.relname, c.relname)::text AS tbl
      FROM pg_class c
      LEFT JOIN pg_inherits i ON i.inhrelid = c.oid
      LEFT JOIN pg_class p ON p.oid = i.inhparent
     WHERE c.relnamespace = 'bounce_mgmt'::regnamespace AND c.relkind IN ('r', 'p')
       AND coalesce(p.relname, c.relname) IN ('events', 'addresses', 'suppressions', 'notices', 'provider_listings',
                                              'engagement', 'engagement_recent', 'unsubscribes', 'winback_members');
-- per table: has unique keys, and all of them include email
SELECT g.tbl, count(x.indexrelid) > 0 AS has_unique_keys,
       bool_and(EXISTS (SELECT 1 FROM unnest(x.indkey) k
                          JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k
                         WHERE a.attname = 'email')) FILTER (WHERE x.indexrelid IS NOT NULL)
           AS every_unique_key_has_email
  FROM grown g LEFT JOIN pg_index x ON x.indrelid = g.oid AND x.indisunique
 GROUP BY g.tbl ORDER BY g.tbl;
-- the unique keys lacking email (none), by name
SELECT x.indexrelid::regclass AS unique_key_without_email
  FROM grown g JOIN pg_index x ON x.indrelid = g.oid AND x.indisunique
 WHERE NOT EXISTS (SELECT 1 FROM unnest(x.indkey) k JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k
                    WHERE a.attname = 'email');
-- no foreign key from or to them
SELECT count(*) AS foreign_keys
  FROM pg_constraint c JOIN grown g ON g.oid IN (c.conrelid, c.confrelid)
 WHERE c.contype = 'f';
-- email has the same type everywhere (text), so the tables can be co-located by its hash
SELECT g.tbl, format_type(a.atttypid, a.atttypmod) AS email_type
  FROM grown g JOIN pg_attribute a ON a.attrelid = g.oid AND a.attname = 'email'
 WHERE NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = g.oid)
 ORDER BY 1;
