-- sendgrid_batches.sql — table batches: 20 SendGrid Event Webhook payloads of 10,000 events each (45 %
-- processed, 45 % delivered, 10 % bounces: user unknown) to 40,000 addresses over 500 domains, dated from
-- two days ago.  Part of bench/writepath_setup.sql and bench/hygiene_setup.sql (the same batches).
CREATE TABLE batches (n int PRIMARY KEY, body text NOT NULL);
INSERT INTO batches
SELECT b, (SELECT jsonb_agg(jsonb_build_object(
                 'email', 'user' || (g::bigint * 7919 % 40000) || '@domain' || (g % 500) || '.example',
                 'timestamp', extract(epoch FROM date_trunc('hour', now()) - interval '2 days')::bigint + g / 2,
                 'smtp-id', '<' || (g / 2) || '@ismtpd-555>',
                 'event', CASE WHEN g % 10 = 0 THEN 'bounce' WHEN g % 2 = 0 THEN 'processed' ELSE 'delivered' END,
                 'sg_event_id', md5(g::text), 'sg_message_id', (g / 2) || '.filter0001.16648.5515E0B88.0')
             || CASE WHEN g % 10 <> 0 THEN '{}'::jsonb
                     ELSE jsonb_build_object('type', 'bounce', 'status', '5.1.1',
                          'reason', '550 5.1.1 The email account that you tried to reach does not exist.') END
             ORDER BY g)::text
           FROM generate_series(b * 10000, b * 10000 + 9999) g)
  FROM generate_series(0, 19) b;
