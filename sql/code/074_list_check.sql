-- 074_list_check.sql — list-import hygiene (issue 11: "never buy lists"): check a list of addresses before
-- the first mailing.  C (src/pg/list_check_sql.c over src/core/list_check.c).

CREATE OR REPLACE FUNCTION @extschema@.check_list(emails text[])
    RETURNS TABLE (ord bigint, input text, address text, valid boolean, syntax text, risk text, why text,
                   role_account text, disposable_domain text, reserved_domain text, typo text, suggestion text,
                   repeated boolean, suppressed boolean, unsubscribed boolean)
    AS 'MODULE_PATHNAME', 'bm_check_list_sql'
    LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION @extschema@.check_list(text[]) IS
    'per address of a list, in order: syntactically valid (and why not), role account, known disposable or reserved domain, likely typo of a big provider''s domain (suggestion), risk ok/warn/bad, repeated earlier in the list, already suppressed, unsubscribed from every list';

CREATE OR REPLACE FUNCTION @extschema@.check_list_summary(emails text[],
    OUT total bigint, OUT valid bigint, OUT invalid bigint, OUT repeated bigint, OUT suppressed bigint,
    OUT unsubscribed bigint, OUT role_accounts bigint, OUT disposable bigint, OUT reserved bigint,
    OUT typos bigint, OUT quoted_local bigint, OUT risk_ok bigint, OUT risk_warn bigint, OUT risk_bad bigint,
    OUT invalid_by_syntax jsonb)
    AS 'MODULE_PATHNAME', 'bm_check_list_summary_sql'
    LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION @extschema@.check_list_summary(text[]) IS
    'check_list() counted: total, valid, invalid (by syntax reason), repeated, suppressed, unsubscribed, role accounts, disposable, reserved, typos, risk ok/warn/bad (repeats counted once)';
