-- winback: win-back campaigns as data (issue 11) — start one over long-silent addresses, watch the mail
-- go out and the responses come in (a click, a recorded activity, winback_confirm()), and let maintenance
-- close it after its deadline, suppressing (cause inactive) those whose mail was delivered and who did not
-- respond.  Time passes by moving a campaign's start and deadline back.
\pset null '(null)'
SET search_path = bounce_mgmt, public;
SET TimeZone = 'UTC';
-- one generic event of the application's own MTA, now + offset
CREATE FUNCTION pg_temp.ev(email text, event text, id text, ago interval DEFAULT '0', diagnostic text DEFAULT NULL)
    RETURNS integer LANGUAGE sql AS $$
    SELECT inserted FROM bounce_mgmt.ingest(jsonb_build_array(jsonb_build_object(
        'email', email, 'event', event, 'id', id, 'occurred_at', now() - ago, 'diagnostic', diagnostic))::text,
        'generic') $$;
-- moves a campaign's clock: it started `ago` earlier, its deadline too
CREATE FUNCTION pg_temp.age_campaign(campaign text, ago interval) RETURNS void LANGUAGE sql AS $$
    UPDATE bounce_mgmt.winback_campaigns SET started_at = started_at - ago, deadline = deadline - ago
     WHERE name = campaign $$;

SELECT suppress('gone@wb.example', 'already suppressed before the campaign') > 0 AS suppressed;
-- invalid, repeated and suppressed addresses are left out (the NOTICE says how many)
SELECT winback_start('autumn', ARRAY['click@wb.example', 'Act <act@wb.example>', 'confirm@wb.example',
                                     'late@wb.example', 'silent@wb.example', 'bounce@wb.example',
                                     'undelivered@wb.example', 'both@wb.example', 'CLICK@wb.example',
                                     'gone@wb.example', 'not an address']) > 0 AS started;
-- an address in two campaigns: both judge it on their own mail
SELECT winback_start('spring', ARRAY['both@wb.example', 'lifted@wb.example'], '30 days') > 0 AS started;
SELECT email, sent_at, delivered_at, responded_at, removed_at FROM winback_members ORDER BY campaign_id, email;

-- the campaign mail goes out (the provider reports sends and deliveries; one bounces hard, one is only sent)
SELECT sum(pg_temp.ev(e, 'sent', 'wb-s-' || e)) AS sends
  FROM unnest(ARRAY['click@wb.example', 'act@wb.example', 'confirm@wb.example', 'late@wb.example', 'silent@wb.example',
                    'bounce@wb.example', 'undelivered@wb.example', 'both@wb.example', 'lifted@wb.example']) e;
SELECT sum(pg_temp.ev(e, 'delivered', 'wb-d-' || e)) AS deliveries
  FROM unnest(ARRAY['click@wb.example', 'act@wb.example', 'confirm@wb.example', 'late@wb.example', 'silent@wb.example',
                    'both@wb.example', 'lifted@wb.example']) e;
SELECT pg_temp.ev('bounce@wb.example', 'bounce', 'wb-b', '0', '550 5.1.1 user unknown') AS hard_bounce;
-- responses: a human click, a login the application recorded, an explicit confirmation; a machine open is none
SELECT inserted FROM ingest(jsonb_build_array(
    jsonb_build_object('email', 'click@wb.example', 'timestamp', extract(epoch FROM now())::bigint + 1,
                       'event', 'click', 'sg_event_id', 'wb-click'),
    jsonb_build_object('email', 'silent@wb.example', 'timestamp', extract(epoch FROM now())::bigint + 1,
                       'event', 'open', 'sg_event_id', 'wb-mpp', 'sg_machine_open', true))::text, 'sendgrid');
SELECT record_activity('act@wb.example', now() + interval '1 second', 'login') AS recorded;
SELECT winback_confirm('Confirm <confirm@wb.example>') AS campaigns_answered;
SELECT campaign, deadline - started_at AS window, closed_at, members, sent, delivered, bounced, responded, removed
  FROM winback_report('autumn');

-- maintenance records what it saw; nothing closes before the deadline
SELECT winback_removed, failures FROM run_maintenance();
SELECT email, sent_at IS NOT NULL AS sent, delivered_at IS NOT NULL AS delivered, bounced_at IS NOT NULL AS bounced,
       response, removed_at IS NOT NULL AS removed
  FROM winback_members m JOIN winback_campaigns c USING (campaign_id) WHERE c.name = 'autumn' ORDER BY email;

-- two weeks later: a response after the deadline does not count, nor a confirmation
SELECT pg_temp.age_campaign('autumn', '15 days');
SELECT record_activity('late@wb.example', now(), 'login') AS late_activity;
SELECT winback_confirm('late@wb.example') AS too_late;
SELECT winback_removed, failures FROM run_maintenance();
SELECT campaign, members, sent, delivered, bounced, responded, removed, closed_at IS NOT NULL AS closed
  FROM winback_report() ORDER BY campaign;
SELECT email, response, removed_at IS NOT NULL AS removed
  FROM winback_members m JOIN winback_campaigns c USING (campaign_id) WHERE c.name = 'autumn' ORDER BY email;
-- the non-responders are suppressed for inactivity, with the campaign in the note; the hard bounce as usual
SELECT email, cause, reason, note LIKE 'win-back campaign "autumn": no response by %' AS noted
  FROM suppressions WHERE email LIKE '%@wb.example' AND closed_at IS NULL ORDER BY email;
SELECT can_send('silent@wb.example') AS silent, can_send('both@wb.example') AS both_,
       can_send('click@wb.example') AS click, can_send('bounce@wb.example') AS bounce;
-- a closed campaign stays as it was recorded, whatever happens later
SELECT record_activity('silent@wb.example', now(), 'login') AS later_login;
SELECT responded, removed FROM winback_report('autumn');

-- the second campaign: both@ was removed by the first; it answers this one, which does not lift that
SELECT winback_confirm('both@wb.example') AS campaigns_answered;
SELECT pg_temp.age_campaign('spring', '31 days');
-- after the deadline an operator reached lifted@ by phone (suppressed, then lifted it): that lift stands
SELECT suppress('lifted@wb.example', 'no answer to the win-back mail') > 0 AS suppressed,
       unsuppress('lifted@wb.example', 'reached by phone: the address is in use', false) AS lifted;
SELECT winback_removed FROM run_maintenance();
SELECT campaign, members, delivered, responded, removed FROM winback_report('spring');
SELECT email, cause FROM suppressions WHERE email IN ('both@wb.example', 'lifted@wb.example') AND closed_at IS NULL
 ORDER BY email;
-- an inactive suppression is lifted like any other (history kept)
SELECT unsuppress('silent@wb.example', 'the user wrote to support') AS lifted;
SELECT cause, closed_at IS NOT NULL AS closed, close_note FROM suppressions WHERE email = 'silent@wb.example';
SELECT can_send('silent@wb.example') AS silent;

-- the same name twice, NULL and empty input, a window out of range, an unknown campaign
\set VERBOSITY terse
SELECT winback_start('autumn', ARRAY['x@wb.example']);
SELECT winback_start(NULL, ARRAY['x@wb.example']);
SELECT winback_start(' ', ARRAY['x@wb.example']);
SELECT winback_start('empty', NULL);
SELECT winback_start('empty', '{}');
SELECT winback_start('zero', ARRAY['x@wb.example'], '0');
SELECT winback_start('long', ARRAY['x@wb.example'], '2 years');
SELECT winback_start('null window', ARRAY['x@wb.example'], NULL);
SELECT winback_confirm(NULL);
SELECT winback_confirm('nobody');
SELECT * FROM winback_report('no such campaign');
\set VERBOSITY default
-- only invalid addresses: a campaign without members
SELECT winback_start('nobody', ARRAY['not an address', NULL]) > 0 AS started;
SELECT campaign, members FROM winback_report('nobody');
SELECT winback_confirm('stranger@wb.example') AS not_a_member;
