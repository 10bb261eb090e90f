-- check_list: list-import hygiene (issue 11: "never buy lists") — each address of a list checked before the
-- first mailing: syntax, role account, known disposable or reserved domain, likely typo of a big provider's
-- domain, repeats, and what the database already knows (suppressed, unsubscribed); and the list's summary.
\pset null '(null)'
SET search_path = bounce_mgmt, public;
SELECT suppress('known-bad@kaisha.co.jp', 'check_list test') > 0 AS suppressed;
SELECT record_unsubscribe('left@kaisha.co.jp') AS unsubscribed;
SELECT ord, input, address, valid, syntax, risk, role_account, disposable_domain, reserved_domain, typo, suggestion,
       repeated, suppressed, unsubscribed
  FROM check_list(ARRAY['Jane <jane@gmial.com>', 'taro@docomo.ne.jo', 'info@kaisha.co.jp', 'someone@mailinator.com',
                        'x@example.com', 'not an address', 'a@b@c', '', NULL, 'JANE@gmial.com', 'known-bad@kaisha.co.jp',
                        'Left <LEFT@kaisha.co.jp>', 'ok@kaisha.co.jp', 'user@yahoo.con', '"john doe"@kaisha.co.jp',
                        'user@[192.0.2.1]']);
-- why, for the operator
SELECT ord, why FROM check_list(ARRAY['jane@gmial.com', 'a@b@c', 'ok@kaisha.co.jp']);
SELECT * FROM check_list_summary(ARRAY['Jane <jane@gmial.com>', 'taro@docomo.ne.jo', 'info@kaisha.co.jp',
                                       'someone@mailinator.com', 'x@example.com', 'not an address', 'a@b@c', '', NULL,
                                       'JANE@gmial.com', 'known-bad@kaisha.co.jp', 'Left <LEFT@kaisha.co.jp>',
                                       'ok@kaisha.co.jp', 'user@yahoo.con', '"john doe"@kaisha.co.jp', 'user@[192.0.2.1]']);
-- empty and NULL lists
SELECT count(*) AS rows FROM check_list('{}');
SELECT total, valid, invalid_by_syntax FROM check_list_summary('{}');
SELECT count(*) AS rows FROM check_list(NULL);
SELECT check_list_summary(NULL) IS NULL AS null_summary;
-- a large list: one look-up of the database for all of it
SELECT total, valid, repeated, suppressed, risk_bad
  FROM check_list_summary(ARRAY(SELECT 'u' || (i % 50000) || '@kaisha.co.jp' FROM generate_series(1, 100000) i)
                          || ARRAY['known-bad@kaisha.co.jp']);
