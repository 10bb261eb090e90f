-- 010_smtp_status.sql — the base type smtp_status (RFC 3463 enhanced status code) with btree and hash
-- operator classes.  C functions here look nothing up by name, so they carry no SET search_path (a SET
-- clause would cost a settings save/restore on every call); every object they touch is fixed at build.

CREATE TYPE @extschema@.smtp_status;

CREATE FUNCTION @extschema@.smtp_status_in(cstring) RETURNS @extschema@.smtp_status
    AS 'MODULE_PATHNAME', 'smtp_status_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.smtp_status_out(@extschema@.smtp_status) RETURNS cstring
    AS 'MODULE_PATHNAME', 'smtp_status_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.smtp_status_recv(internal) RETURNS @extschema@.smtp_status
    AS 'MODULE_PATHNAME', 'smtp_status_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.smtp_status_send(@extschema@.smtp_status) RETURNS bytea
    AS 'MODULE_PATHNAME', 'smtp_status_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.smtp_status (
    INPUT = @extschema@.smtp_status_in,
    OUTPUT = @extschema@.smtp_status_out,
    RECEIVE = @extschema@.smtp_status_recv,
    SEND = @extschema@.smtp_status_send,
    INTERNALLENGTH = 4,
    PASSEDBYVALUE,
    ALIGNMENT = int4,
    STORAGE = plain
);
COMMENT ON TYPE @extschema@.smtp_status IS
    'RFC 3463 enhanced mail system status code class.subject.detail (class 2, 4 or 5; subject, detail 0-999)';

-- text -> smtp_status as an assignment cast, so text columns and parameters store into smtp_status columns
CREATE CAST (text AS @extschema@.smtp_status) WITH INOUT AS ASSIGNMENT;

CREATE FUNCTION @extschema@.smtp_status(class integer, subject integer, detail integer)
    RETURNS @extschema@.smtp_status
    AS 'MODULE_PATHNAME', 'smtp_status_make' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.smtp_status_class(@extschema@.smtp_status) RETURNS integer
    AS 'MODULE_PATHNAME', 'smtp_status_class' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.smtp_status_subject(@extschema@.smtp_status) RETURNS integer
    AS 'MODULE_PATHNAME', 'smtp_status_subject' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.smtp_status_detail(@extschema@.smtp_status) RETURNS integer
    AS 'MODULE_PATHNAME', 'smtp_status_detail' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.smtp_status_class(@extschema@.smtp_status) IS 'class of an enhanced status: 2, 4 or 5';
COMMENT ON FUNCTION @extschema@.smtp_status_subject(@extschema@.smtp_status) IS 'subject of an enhanced status (the 1 of 5.1.1)';
COMMENT ON FUNCTION @extschema@.smtp_status_detail(@extschema@.smtp_status) IS 'detail of an enhanced status (the last 1 of 5.1.1)';

CREATE FUNCTION @extschema@.smtp_status_eq(@extschema@.smtp_status, @extschema@.smtp_status) RETURNS boolean
    AS 'MODULE_PATHNAME', 'smtp_status_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.smtp_status_ne(@extschema@.smtp_status, @extschema@.smtp_status) RETURNS boolean
    AS 'MODULE_PATHNAME', 'smtp_status_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.smtp_status_lt(@extschema@.smtp_status, @extschema@.smtp_status) RETURNS boolean
    AS 'MODULE_PATHNAME', 'smtp_status_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.smtp_status_le(@extschema@.smtp_status, @extschema@.smtp_status) RETURNS boolean
    AS 'MODULE_PATHNAME', 'smtp_status_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.smtp_status_gt(@extschema@.smtp_status, @extschema@.smtp_status) RETURNS boolean
    AS 'MODULE_PATHNAME', 'smtp_status_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.smtp_status_ge(@extschema@.smtp_status, @extschema@.smtp_status) RETURNS boolean
    AS 'MODULE_PATHNAME', 'smtp_status_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.smtp_status_cmp(@extschema@.smtp_status, @extschema@.smtp_status) RETURNS integer
    AS 'MODULE_PATHNAME', 'smtp_status_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.smtp_status_hash(@extschema@.smtp_status) RETURNS integer
    AS 'MODULE_PATHNAME', 'smtp_status_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.smtp_status_hash_extended(@extschema@.smtp_status, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'smtp_status_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

CREATE OPERATOR @extschema@.= (
    LEFTARG = @extschema@.smtp_status, RIGHTARG = @extschema@.smtp_status,
    FUNCTION = @extschema@.smtp_status_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR @extschema@.<> (
    LEFTARG = @extschema@.smtp_status, RIGHTARG = @extschema@.smtp_status,
    FUNCTION = @extschema@.smtp_status_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR @extschema@.< (
    LEFTARG = @extschema@.smtp_status, RIGHTARG = @extschema@.smtp_status,
    FUNCTION = @extschema@.smtp_status_lt,
    COMMUTATOR = OPERATOR(@extschema@.>), NEGATOR = OPERATOR(@extschema@.>=),
    RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
CREATE OPERATOR @extschema@.<= (
    LEFTARG = @extschema@.smtp_status, RIGHTARG = @extschema@.smtp_status,
    FUNCTION = @extschema@.smtp_status_le,
    COMMUTATOR = OPERATOR(@extschema@.>=), NEGATOR = OPERATOR(@extschema@.>),
    RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
CREATE OPERATOR @extschema@.> (
    LEFTARG = @extschema@.smtp_status, RIGHTARG = @extschema@.smtp_status,
    FUNCTION = @extschema@.smtp_status_gt,
    COMMUTATOR = OPERATOR(@extschema@.<), NEGATOR = OPERATOR(@extschema@.<=),
    RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
CREATE OPERATOR @extschema@.>= (
    LEFTARG = @extschema@.smtp_status, RIGHTARG = @extschema@.smtp_status,
    FUNCTION = @extschema@.smtp_status_ge,
    COMMUTATOR = OPERATOR(@extschema@.<=), NEGATOR = OPERATOR(@extschema@.<),
    RESTRICT = scalargesel, JOIN = scalargejoinsel
);

CREATE OPERATOR CLASS @extschema@.smtp_status_ops
    DEFAULT FOR TYPE @extschema@.smtp_status USING btree AS
        OPERATOR 1 @extschema@.< ,
        OPERATOR 2 @extschema@.<= ,
        OPERATOR 3 @extschema@.= ,
        OPERATOR 4 @extschema@.>= ,
        OPERATOR 5 @extschema@.> ,
        FUNCTION 1 @extschema@.smtp_status_cmp(@extschema@.smtp_status, @extschema@.smtp_status);

CREATE OPERATOR CLASS @extschema@.smtp_status_hash_ops
    DEFAULT FOR TYPE @extschema@.smtp_status USING hash AS
        OPERATOR 1 @extschema@.= ,
        FUNCTION 1 @extschema@.smtp_status_hash(@extschema@.smtp_status),
        FUNCTION 2 @extschema@.smtp_status_hash_extended(@extschema@.smtp_status, bigint);
