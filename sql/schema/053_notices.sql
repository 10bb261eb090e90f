-- 053_notices.sql — address-change notices: who must be asked for a new address (pending_notices), the
-- record that they were asked (mark_notified, with a cooldown), and how it ended (the user changed the
-- address, a later delivery succeeded, an operator lifted the suppression) — kept, never deleted.

CREATE TYPE @extschema@.notice_kind AS ENUM ('hard', 'repeated_soft');
CREATE TYPE @extschema@.notice_resolution AS ENUM ('address_changed', 'delivered', 'unsuppressed', 'dismissed');

CREATE TABLE @extschema@.notices (
    notice_id         bigint GENERATED ALWAYS AS IDENTITY,
    email             text NOT NULL,
    kind              @extschema@.notice_kind NOT NULL,
    reason            @extschema@.bounce_reason,
    opened_at         timestamptz NOT NULL DEFAULT pg_catalog.now(),
    last_notified_at  timestamptz,
    notifications     integer NOT NULL DEFAULT 0 CHECK (notifications >= 0),
    channels          text[] NOT NULL DEFAULT '{}',
    cooldown_until    timestamptz,
    evidence_at       timestamptz,
    notified_by       name NOT NULL DEFAULT current_user,
    resolved_at       timestamptz,
    resolution        @extschema@.notice_resolution,
    resolved_by       name,
    new_email         text,
    PRIMARY KEY (email, notice_id),
    CHECK ((resolved_at IS NULL) = (resolution IS NULL))
);
COMMENT ON TABLE @extschema@.notices IS
    'address-change notices sent to users (mark_notified) and their outcome; one open notice per address';
COMMENT ON COLUMN @extschema@.notices.evidence_at IS
    'the address''s last bounce when the user was last notified: a later bounce is new evidence and ends the cooldown';
CREATE UNIQUE INDEX notices_open_email ON @extschema@.notices (email) WHERE resolved_at IS NULL;
CREATE INDEX notices_email ON @extschema@.notices (email, resolved_at);
SELECT pg_catalog.pg_extension_config_dump('@extschema@.notices', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.notices_notice_id_seq', '');
