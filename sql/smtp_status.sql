-- smtp_status: text and binary I/O, validation, operators, btree/hash opclasses, accessors, casts.
SET search_path = bounce_mgmt, public;

-- valid input, canonical output
SELECT s::smtp_status AS status
  FROM (VALUES ('5.1.1'), ('4.7.650'), ('2.0.0'), ('5.999.999'), ('5.01.001')) AS v(s);

-- invalid input: SQLSTATE 22P02 naming the text
\set VERBOSITY default
SELECT '5.1'::smtp_status;
SELECT '3.1.1'::smtp_status;
SELECT '5.1.1000'::smtp_status;
SELECT ' 5.1.1'::smtp_status;
SELECT '5.1.1.1'::smtp_status;
SELECT ''::smtp_status;
-- the SQLSTATE, checked explicitly
DO $$
BEGIN
    PERFORM 'x.y.z'::bounce_mgmt.smtp_status;
EXCEPTION WHEN invalid_text_representation THEN
    RAISE NOTICE 'caught %: %', SQLSTATE, SQLERRM;
END $$;

-- NULL in, NULL out
SELECT NULL::smtp_status AS null_status, smtp_status_class(NULL) AS null_class;

-- accessors and the constructor
SELECT smtp_status_class('5.7.26') AS class, smtp_status_subject('5.7.26') AS subject,
       smtp_status_detail('5.7.26') AS detail, smtp_status(4, 2, 2) AS made;
SELECT smtp_status(3, 0, 0);
SELECT smtp_status(5, 1000, 0);

-- ordering is (class, subject, detail), not text order: 5.1.10 sorts after 5.1.2
SELECT s FROM (VALUES ('5.1.10'::smtp_status), ('5.1.2'), ('4.7.1'), ('5.1.1'), ('2.0.0'), ('5.10.0')) AS v(s)
 ORDER BY s;
SELECT '5.1.1'::smtp_status = '5.1.1' AS eq, '5.1.1'::smtp_status <> '5.1.2' AS ne,
       '5.1.2'::smtp_status < '5.1.10' AS lt, '4.9.9'::smtp_status <= '5.0.0' AS le,
       '5.7.1'::smtp_status > '5.2.2' AS gt, '5.7.1'::smtp_status >= '5.7.1' AS ge;

-- binary send/recv round trip, and recv rejects a bad packed value
-- the binary form is the packed int4 5007650 = 0x004c6922
SELECT encode(smtp_status_send('5.7.650'), 'hex') AS binary_form;
CREATE TEMP TABLE status_copy (s smtp_status);
INSERT INTO status_copy VALUES ('5.1.1'), ('4.2.2'), ('2.6.0'), (NULL);
COPY status_copy TO '/tmp/bm_status_copy.bin' WITH (FORMAT binary);
CREATE TEMP TABLE status_copy2 (s smtp_status);
COPY status_copy2 FROM '/tmp/bm_status_copy.bin' WITH (FORMAT binary);
SELECT s FROM status_copy2 ORDER BY s NULLS LAST;
-- a binary file with packed value 3000000 (class 3) must be rejected by recv
CREATE TEMP TABLE bad_bin (i int4);
INSERT INTO bad_bin VALUES (3000000);
COPY bad_bin TO '/tmp/bm_status_bad.bin' WITH (FORMAT binary);
COPY status_copy2 FROM '/tmp/bm_status_bad.bin' WITH (FORMAT binary);

-- btree index and hash index are used and agree
CREATE TEMP TABLE st AS
  SELECT smtp_status(c, s, d) AS s
    FROM unnest(ARRAY[2, 4, 5]) c, generate_series(0, 9) s, generate_series(0, 40) d;
CREATE INDEX st_btree ON st (s);
CREATE INDEX st_hash ON st USING hash (s);
ANALYZE st;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM st WHERE s BETWEEN '5.1.0' AND '5.1.9';
SELECT count(*) FROM st WHERE s BETWEEN '5.1.0' AND '5.1.9';
DROP INDEX st_btree;
EXPLAIN (COSTS OFF) SELECT count(*) FROM st WHERE s = '4.7.26';
SELECT count(*) FROM st WHERE s = '4.7.26';
RESET enable_seqscan;
RESET enable_bitmapscan;
-- hash aggregation and hash joins work on the type
SET enable_sort = off;
EXPLAIN (COSTS OFF) SELECT s, count(*) FROM st GROUP BY s;
SELECT count(*) AS groups FROM (SELECT s, count(*) FROM st GROUP BY s) g;
RESET enable_sort;
SET enable_mergejoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM st a JOIN st b USING (s);
SELECT count(*) FROM st a JOIN st b USING (s);
RESET enable_mergejoin;
RESET enable_nestloop;

-- assignment cast from text columns
CREATE TEMP TABLE from_text (s smtp_status);
INSERT INTO from_text SELECT '5.2.2'::text;
SELECT s, pg_typeof(s) FROM from_text;
SELECT '4.4.7'::text::smtp_status AS explicit_cast, ('5.7.1'::smtp_status)::text AS to_text;
