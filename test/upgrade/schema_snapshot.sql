-- schema_snapshot.sql — a text description of everything extension bounce_mgmt owns, one line per fact,
-- sorted: run in a database with a fresh install and in one upgraded from an older release, the two
-- outputs must be identical (test/upgrade/run.sh diffs them).  OIDs never appear; objects are named.
\pset format unaligned
\pset tuples_only on
\pset pager off
SET search_path = pg_catalog;

WITH ext AS (
    SELECT oid FROM pg_extension WHERE extname = 'bounce_mgmt'
), members AS (
    SELECT d.classid, d.objid
      FROM pg_depend d, ext
     WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e'
), facts AS (
    -- every member, by kind and identity
    SELECT 'member ' || o.type || ' ' || o.identity AS fact
      FROM members m, pg_identify_object(m.classid, m.objid, 0) o
    UNION ALL
    -- functions: the whole definition (language, volatility, security, settings, body), ACL, comment
    SELECT 'function ' || p.oid::regprocedure::text || E'\n' || pg_get_functiondef(p.oid)
           || E'\n  acl ' || coalesce(p.proacl::text, '-')
           || E'\n  comment ' || coalesce(obj_description(p.oid, 'pg_proc'), '-')
      FROM members m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
     WHERE p.prokind <> 'a'
    UNION ALL
    -- relations: kind, options, ACL, comment, partitioning
    SELECT 'relation ' || c.oid::regclass::text || ' kind ' || c.relkind::text || ' persistence ' || c.relpersistence::text
           || ' options ' || coalesce(c.reloptions::text, '-') || ' acl ' || coalesce(c.relacl::text, '-')
           || ' comment ' || coalesce(obj_description(c.oid, 'pg_class'), '-')
           || ' partkey ' || coalesce(pg_get_partkeydef(c.oid), '-')
      FROM members m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
    UNION ALL
    -- columns, in order (position among live columns: an upgrade may have dropped some), with type,
    -- nullability, default, identity, collation, comment
    SELECT 'column ' || c.oid::regclass::text || ' #'
           || row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum) || ' ' || a.attname || ' '
           || format_type(a.atttypid, a.atttypmod)
           || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
           || coalesce(' default ' || pg_get_expr(ad.adbin, ad.adrelid), '')
           || CASE WHEN a.attidentity::text <> '' THEN ' identity ' || a.attidentity::text ELSE '' END
           || CASE WHEN a.attgenerated::text <> '' THEN ' generated ' || a.attgenerated::text ELSE '' END
           || CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation
                   THEN ' collate ' || a.attcollation::regcollation::text ELSE '' END
           || coalesce(' acl ' || a.attacl::text, '')
           || coalesce(' comment ' || col_description(c.oid, a.attnum), '')
      FROM members m
      JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      JOIN pg_type t ON t.oid = a.atttypid
      LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
    UNION ALL
    SELECT 'constraint ' || c.oid::regclass::text || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid)
      FROM members m
      JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
      JOIN pg_constraint k ON k.conrelid = c.oid
    UNION ALL
    SELECT 'index ' || pg_get_indexdef(i.indexrelid)
      FROM members m
      JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
      JOIN pg_index i ON i.indrelid = c.oid
    UNION ALL
    SELECT 'trigger ' || pg_get_triggerdef(g.oid) || ' enabled ' || g.tgenabled::text
      FROM members m
      JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
      JOIN pg_trigger g ON g.tgrelid = c.oid AND NOT g.tgisinternal
    UNION ALL
    SELECT 'view ' || c.oid::regclass::text || E'\n' || pg_get_viewdef(c.oid)
      FROM members m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
     WHERE c.relkind IN ('v', 'm')
    UNION ALL
    SELECT 'sequence ' || s.seqrelid::regclass::text || ' ' || format_type(s.seqtypid, NULL) || ' start '
           || s.seqstart || ' inc ' || s.seqincrement || ' cache ' || s.seqcache || ' cycle ' || s.seqcycle
      FROM members m JOIN pg_sequence s ON m.classid = 'pg_class'::regclass AND s.seqrelid = m.objid
    UNION ALL
    -- types: enum labels in order, composite attributes come with the relation above
    SELECT 'type ' || t.oid::regtype::text || ' ' || t.typtype::text || ' labels '
           || coalesce((SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
                          FROM pg_enum e WHERE e.enumtypid = t.oid), '-')
           || ' comment ' || coalesce(obj_description(t.oid, 'pg_type'), '-')
           || ' acl ' || coalesce(t.typacl::text, '-')
      FROM members m JOIN pg_type t ON m.classid = 'pg_type'::regclass AND t.oid = m.objid
    UNION ALL
    SELECT 'config_dump ' || c::regclass::text || ' ' || coalesce(x.cond, '')
      FROM ext, pg_extension e,
           unnest(e.extconfig, e.extcondition) AS x(c, cond)
     WHERE e.oid = ext.oid
    UNION ALL
    SELECT 'schema acl ' || coalesce(n.nspacl::text, '-') FROM pg_namespace n WHERE n.nspname = 'bounce_mgmt'
)
SELECT fact FROM facts ORDER BY fact;

-- the extension's own reference data (not operator data: those tables are not dumped)
SELECT 'data bounce_reasons ' || md5(string_agg(r::text, '|' ORDER BY r.reason)) FROM bounce_mgmt.bounce_reasons r;
SELECT 'data smtp_reply_codes ' || md5(string_agg(r::text, '|' ORDER BY r.reply_code)) FROM bounce_mgmt.smtp_reply_codes r;
SELECT 'data smtp_enhanced_codes ' || md5(string_agg(r::text, '|' ORDER BY r.subject, r.detail))
  FROM bounce_mgmt.smtp_enhanced_codes r;
-- the roles the extension creates and how they nest
SELECT 'role ' || r.rolname || ' login ' || r.rolcanlogin || ' member of '
       || coalesce((SELECT string_agg(g.rolname, ',' ORDER BY g.rolname)
                      FROM pg_auth_members am JOIN pg_roles g ON g.oid = am.roleid WHERE am.member = r.oid), '-')
  FROM pg_roles r WHERE r.rolname LIKE 'bounce\_mgmt\_%' ORDER BY 1;
