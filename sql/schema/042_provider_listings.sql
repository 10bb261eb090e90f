-- 042_provider_listings.sql — which providers list an address on their own suppression list (SendGrid's
-- bounce/block lists, SES's account list, Postmark's inactive addresses, Mailgun's bounces): the provider
-- drops mail to a listed address whatever can_send() says, until it is removed there.  Kept by the write
-- path from every event that says so (list entries, Postmark Inactive, SES OnAccountSuppressionList ...),
-- beyond event retention; removals (provider_remove) clear it.  unsuppress() uses it to know where to
-- remove an address.

CREATE TABLE @extschema@.provider_listings (
    email          text NOT NULL,
    provider       @extschema@.provider NOT NULL,
    listed_at      timestamptz NOT NULL,
    reason         @extschema@.bounce_reason,
    diagnostic     text,
    first_seen_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    last_seen_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
    cleared_at     timestamptz,
    PRIMARY KEY (email, provider)
);
COMMENT ON TABLE @extschema@.provider_listings IS
    'addresses on a provider''s own suppression list (the provider drops mail to them): listed_at = the newest listing event, cleared_at = taken off by provider_remove (NULL while listed)';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.provider_listings', '');
