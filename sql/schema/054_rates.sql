-- 054_rates.sql — bounce and complaint rates from the counters ingestion maintains (never from raw
-- events): sends the application records itself, per-day totals, bounce_rates() /
-- bounce_rate() with verdicts, and sender incidents per receiving domain.

-- Sends recorded by the application for providers that report none (UTC day x recipient domain).
CREATE TABLE @extschema@.recorded_sends (
    day     date NOT NULL,
    domain  text NOT NULL,
    sends   bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (day, domain)
);
COMMENT ON TABLE @extschema@.recorded_sends IS
    'sends recorded with record_send() / record_sends(), per UTC day and recipient domain';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.recorded_sends', '');

-- Totals per UTC day and source (a provider's name, or 'recorded'): what bounce_rates() reads unless it
-- splits by domain, so a 30-day query reads a few hundred rows.  Ingestion keeps it in step with
-- daily_counts in the same statement.
CREATE TABLE @extschema@.daily_totals (
    day          date NOT NULL,
    source       text NOT NULL,
    sent         bigint NOT NULL DEFAULT 0,
    delivered    bigint NOT NULL DEFAULT 0,
    hard         bigint NOT NULL DEFAULT 0,
    soft         bigint NOT NULL DEFAULT 0,
    complaints   bigint NOT NULL DEFAULT 0,
    sender_side  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (day, source)
);
COMMENT ON TABLE @extschema@.daily_totals IS
    'daily_counts summed over domains per UTC day and provider (kept by ingestion), plus recorded sends as source ''recorded''';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.daily_totals', '');
