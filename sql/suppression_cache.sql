-- suppression_cache: can_send()/is_suppressed() read the open suppressions into a set after 1,000 calls
-- under one snapshot; the set must never outlive that snapshot.  PL/pgSQL keeps a simple expression's
-- state for the whole transaction, each statement with a snapshot of its own (audit #6).
SET client_min_messages = warning;
DELETE FROM bounce_mgmt.suppressions WHERE email LIKE '%@cache.example.com';
RESET client_min_messages;

-- a suppression made by the loop itself, after the set was read: can_send says false
DO $$
DECLARE ok boolean;
BEGIN
  FOR i IN 1..1002 LOOP
    IF i = 1002 THEN PERFORM bounce_mgmt.suppress('victim@cache.example.com', 'test'); END IF;
    ok := bounce_mgmt.can_send(CASE WHEN i = 1002 THEN 'victim@cache.example.com' ELSE 'u' || i || '@cache.example.com' END);
    IF i = 1002 THEN RAISE NOTICE 'can_send after suppress in the loop: %', ok; END IF;
  END LOOP;
END $$;

-- the same for is_suppressed, and a second address suppressed later in the same loop
DO $$
DECLARE s boolean;
BEGIN
  FOR i IN 1..2500 LOOP
    IF i = 1500 THEN PERFORM bounce_mgmt.suppress('second@cache.example.com', 'test'); END IF;
    s := bounce_mgmt.is_suppressed(CASE WHEN i IN (1499, 1500, 2500) THEN 'second@cache.example.com' ELSE 'v' || i || '@cache.example.com' END);
    IF i IN (1499, 1500, 2500) THEN RAISE NOTICE 'is_suppressed at %: %', i, s; END IF;
  END LOOP;
END $$;

-- lifting one in the loop: the set only ever answers "not suppressed", a hit is confirmed by the probe
DO $$
DECLARE ok boolean;
BEGIN
  FOR i IN 1..1200 LOOP
    IF i = 1100 THEN PERFORM bounce_mgmt.unsuppress('victim@cache.example.com', 'test over'); END IF;
    ok := bounce_mgmt.can_send(CASE WHEN i IN (1099, 1100) THEN 'victim@cache.example.com' ELSE 'w' || i || '@cache.example.com' END);
    IF i IN (1099, 1100) THEN RAISE NOTICE 'can_send at %: %', i, ok; END IF;
  END LOOP;
END $$;

-- one query over many rows still reads the set once and answers every row right
SELECT count(*) FILTER (WHERE NOT bounce_mgmt.can_send(e)) AS refused,
       count(*) FILTER (WHERE bounce_mgmt.is_suppressed(e)) AS suppressed,
       count(*) AS total
  FROM (SELECT CASE WHEN g % 1000 = 0 THEN 'second@cache.example.com' ELSE 'x' || g || '@cache.example.com' END AS e
          FROM generate_series(1, 5000) g) t;

SET client_min_messages = warning;
DELETE FROM bounce_mgmt.suppressions WHERE email LIKE '%@cache.example.com';
RESET client_min_messages;
