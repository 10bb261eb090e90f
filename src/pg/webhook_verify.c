/*
 * webhook_verify.c — verify_webhook(provider, body, headers, secret_name) and ingest_verified(body,
 * headers, secret_name): webhook signatures checked in the database, on the pure-C verifiers of
 * src/core/sig/ (OpenSSL's libcrypto).  The secret is referenced by name (webhook_secrets, readable by
 * nobody but the owner), so it never appears in a query text, pg_stat_activity or a log line.
 *
 * SendGrid (ECDSA P-256), Mailgun (HMAC-SHA256, with the token remembered in webhook_tokens so a replay
 * is refused), Mandrill (HMAC-SHA1 over URL and sorted fields), Amazon SNS (RSA with an X.509 chain: the
 * signing certificate is fetched over https from sns.<region>.amazonaws.com only — after the URL rule —
 * and kept in sns_certificates; its issuing intermediate, which SNS does not send, is fetched from the
 * Amazon Trust Services URL the certificate names, and kept there too; an admin may store either ahead).  A webhook that does not verify is recorded in
 * webhook_rejections (why; the body and headers only when the secret says keep_rejected).
 *
 * libcrypto objects are malloc'd: per-call ones are freed by a memory-context callback (an ERROR frees
 * them too); the session keeps one trust store and a few certificate handles in static variables.
 */
#include "postgres.h"

#include <string.h>
#include <time.h>

#include "catalog/pg_type.h"
#include "common/base64.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "bm_pg.h"
#include "http.h"
#include "ingest.h"
#include "webhook_sig.h"

PG_FUNCTION_INFO_V1(bm_verify_webhook_sql);
PG_FUNCTION_INFO_V1(bm_ingest_verified_sql);
PG_FUNCTION_INFO_V1(bm_sns_confirm_subscription_sql);

#define DEFAULT_SKEW_SECONDS 300		/* SendGrid, Mailgun: a signed timestamp 5 minutes off is a replay */
#define DEFAULT_SNS_SKEW_SECONDS 3600	/* SNS retries a delivery for up to an hour by default */
#define CERT_CACHE 16

/* The secret's row. */
typedef struct secret_row
{
	char	   *name;
	bm_provider provider;
	char	   *secret;			/* NULL for ses */
	char	   *webhook_url;
	char	  **topics;
	int			ntopics;
	char	   *sns_certificates;
	int64		max_skew;		/* seconds; 0: not checked */
	bool		keep_rejected;
} secret_row;

/* The outcome of one verification. */
typedef struct outcome
{
	bool		valid;
	const char *result;			/* "valid", "invalid", "stale", "replay", "unknown_secret", ... */
	const char *field;
	char		message[256];
} outcome;

/* ---- per-call libcrypto objects, freed with the call's memory ------------------------------------------ */

typedef struct owned
{
	bm_sns_msg *msg;
	bm_sns_trust *trust;
	bm_sns_cert *cert;
	MemoryContextCallback cb;
} owned;

static void
release_owned(void *arg)
{
	owned	   *o = (owned *) arg;

	bm_sns_msg_free(o->msg);
	bm_sns_cert_free(o->cert);
	bm_sns_trust_free(o->trust);
	o->msg = NULL;
	o->cert = NULL;
	o->trust = NULL;
}

static owned *
owned_new(void)
{
	owned	   *o = palloc0(sizeof(owned));

	o->cb.func = release_owned;
	o->cb.arg = o;
	MemoryContextRegisterResetCallback(CurrentMemoryContext, &o->cb);
	return o;
}

/* ---- the session's trust store and certificate handles --------------------------------------------------- */

static bm_sns_trust *session_trust = NULL;
static struct
{
	char		url[512];
	bm_sns_cert *cert;
}			cert_cache[CERT_CACHE];
static int	cert_cache_next = 0;

static const char *
ca_file(void)
{
	const char *f = GetConfigOption("bounce_mgmt.http_ca_file", true, false);

	return (f != NULL && f[0] != '\0') ? f : BM_SIG_DEFAULT_CA_FILE;
}

static bm_str
str_of(const char *s)
{
	return s ? (bm_str) {s, strlen(s)} : BM_STR_NULL;
}

static void
set_outcome(outcome *out, bm_sig_result r, const bm_sig_info *info)
{
	out->valid = (r == BM_SIG_VALID);
	out->result = bm_sig_result_name(r) ? bm_sig_result_name(r) : "error";
	out->field = info->field && info->field[0] ? info->field : NULL;
	strlcpy(out->message, info->message, sizeof(out->message));
}

/* ---- reading the inputs ---------------------------------------------------------------------------------- */

static bool
load_secret(const char *name, secret_row *s)
{
	Datum		arg = CStringGetTextDatum(name);
	Oid			type = TEXTOID;
	HeapTuple	tup;
	TupleDesc	d;
	bool		n;
	Datum		v;
	int			rc;

	rc = SPI_execute_with_args("SELECT provider::text, secret, webhook_url, sns_topics, sns_certificates,"
							   "       extract(epoch FROM max_skew)::bigint, keep_rejected, max_skew IS NULL"
							   "  FROM " BM_SCHEMA ".webhook_secrets WHERE name = $1",
							   1, &type, &arg, NULL, true, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "bounce_mgmt: reading webhook_secrets failed: %s", SPI_result_code_string(rc));
	if (SPI_processed == 0)
		return false;
	tup = SPI_tuptable->vals[0];
	d = SPI_tuptable->tupdesc;
	memset(s, 0, sizeof(*s));
	s->name = pstrdup(name);
	{
		char	   *prov = SPI_getvalue(tup, d, 1);

		if (!bm_provider_from_name(prov, strlen(prov), &s->provider))
			elog(ERROR, "bounce_mgmt: unknown provider %s", prov);
	}
	s->secret = SPI_getvalue(tup, d, 2);
	s->webhook_url = SPI_getvalue(tup, d, 3);
	v = SPI_getbinval(tup, d, 4, &n);
	if (!n)
	{
		Datum	   *elems;
		bool	   *nulls;

		deconstruct_array(DatumGetArrayTypeP(v), TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &s->ntopics);
		s->topics = palloc(sizeof(char *) * Max(s->ntopics, 1));
		for (int i = 0; i < s->ntopics; i++)
			s->topics[i] = nulls[i] ? pstrdup("") : TextDatumGetCString(elems[i]);
	}
	s->sns_certificates = SPI_getvalue(tup, d, 5);
	v = SPI_getbinval(tup, d, 6, &n);
	s->max_skew = n ? 0 : DatumGetInt64(v);
	s->keep_rejected = DatumGetBool(SPI_getbinval(tup, d, 7, &n));
	if (DatumGetBool(SPI_getbinval(tup, d, 8, &n)))
		s->max_skew = 0;		/* NULL: not checked */
	return true;
}

/* A header's value (names compared case-insensitively, as HTTP's are), or BM_STR_NULL. */
static bm_str
header(Jsonb *headers, const char *name)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	bool		match = false;
	int			depth = 0;

	if (headers == NULL || !JB_ROOT_IS_OBJECT(headers))
		return BM_STR_NULL;
	it = JsonbIteratorInit(&headers->root);
	while ((tok = JsonbIteratorNext(&it, &v, false)) != WJB_DONE)
	{
		if (tok == WJB_BEGIN_OBJECT || tok == WJB_BEGIN_ARRAY)
			depth++;
		else if (tok == WJB_END_OBJECT || tok == WJB_END_ARRAY)
			depth--;
		else if (tok == WJB_KEY && depth == 1)
			match = (v.val.string.len == (int) strlen(name) &&
					 pg_strncasecmp(v.val.string.val, name, v.val.string.len) == 0);
		else if (match && (tok == WJB_VALUE || tok == WJB_ELEM) && v.type == jbvString)
			return (bm_str) {pnstrdup(v.val.string.val, v.val.string.len), (size_t) v.val.string.len};
	}
	return BM_STR_NULL;
}

/* ---- SNS: certificates --------------------------------------------------------------------------------- */

/* GET url (no credentials), the body as a NUL-terminated string. */
static char *
fetch(const char *url, const char *what, size_t *len)
{
	bm_http_request req;
	bm_http_response resp;

	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.url = url;
	req.what = what;
	bm_http_perform(&req, &resp);
	*len = (size_t) resp.body.len;
	return resp.body.data;
}

/* DER bytes as PEM text. */
static char *
der_to_pem(const char *der, size_t len)
{
	int			cap = pg_b64_enc_len((int) len);
	char	   *b64 = palloc(cap + 1);
	int			n = pg_b64_encode(der, (int) len, b64, cap);
	StringInfoData pem;

	if (n < 0)
		elog(ERROR, "bounce_mgmt: base64 encoding failed");
	initStringInfo(&pem);
	appendStringInfoString(&pem, "-----BEGIN CERTIFICATE-----\n");
	for (int i = 0; i < n; i += 64)
	{
		appendBinaryStringInfo(&pem, b64 + i, Min(64, n - i));
		appendStringInfoChar(&pem, '\n');
	}
	appendStringInfoString(&pem, "-----END CERTIFICATE-----\n");
	return pem.data;
}

/*
 * A certificate by URL as PEM: from sns_certificates, else fetched (the caller checked the URL against its
 * rule; a DER answer, as Amazon Trust Services serves issuers, is turned into PEM) and kept there.
 */
static char *
certificate(const char *url, const char *what)
{
	Datum		arg = CStringGetTextDatum(url);
	Oid			type = TEXTOID;
	size_t		len;
	char	   *body;
	char	   *pem;
	int			rc;

	rc = SPI_execute_with_args("SELECT pem FROM " BM_SCHEMA ".sns_certificates WHERE url = $1", 1, &type, &arg,
							   NULL, true, 1);
	if (rc == SPI_OK_SELECT && SPI_processed == 1)
		return SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	body = fetch(url, what, &len);
	if (len > 0 && memchr(body, '\0', len) == NULL && strstr(body, "-----BEGIN CERTIFICATE-----") != NULL)
		pem = body;
	else if (len > 0 && (unsigned char) body[0] == 0x30)	/* a DER SEQUENCE */
		pem = der_to_pem(body, len);
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("the %s is not a certificate", what),
				 errdetail("GET %s", url)));
	{
		Oid			types[2] = {TEXTOID, TEXTOID};
		Datum		args[2] = {arg, CStringGetTextDatum(pem)};

		rc = SPI_execute_with_args("INSERT INTO " BM_SCHEMA ".sns_certificates (url, pem) VALUES ($1, $2)"
								   " ON CONFLICT (url) DO NOTHING", 2, types, args, NULL, false, 0);
		if (rc != SPI_OK_INSERT)
			elog(ERROR, "bounce_mgmt: caching an SNS certificate failed: %s", SPI_result_code_string(rc));
	}
	return pem;
}

/*
 * Loads the certificate against the trust; when the chain cannot be built because SNS did not send the
 * issuing intermediate, fetches it from the Amazon Trust Services URL the certificate names and tries once
 * more (only the session trust learns intermediates).
 */
static bm_sig_result
load_cert(bm_sns_trust *trust, bool learn, const char *url, const char *pem, int64 now, bm_sns_cert **cert,
		  bm_sig_info *info)
{
	bm_sig_result r = bm_sns_cert_load(trust, str_of(url), str_of(pem), now, cert, info);
	char		issuer[512];
	bm_sig_info ii;

	if (r != BM_SIG_CERT_INVALID || !learn)
		return r;
	if (bm_sns_cert_issuer_url(str_of(pem), issuer, sizeof(issuer), &ii) != BM_SIG_VALID)
		return r;
	if (bm_sns_trust_add_intermediate(trust, str_of(certificate(issuer, "SNS certificate's issuer")), &ii) !=
		BM_SIG_VALID)
		return r;
	return bm_sns_cert_load(trust, str_of(url), str_of(pem), now, cert, info);
}

static void
verify_sns(const secret_row *s, bm_str body, int64 now, owned *o, outcome *out)
{
	bm_sig_info info;
	bm_sig_result r;
	bm_sns_policy policy;
	bm_str	   *topics = NULL;
	const bm_sns_fields *f;
	char	   *url;
	bm_sns_cert *cert = NULL;
	bm_sns_trust *trust;
	bool		session = (s->sns_certificates == NULL);

	memset(&policy, 0, sizeof(policy));
	if (s->ntopics > 0)
	{
		topics = palloc(sizeof(bm_str) * s->ntopics);
		for (int i = 0; i < s->ntopics; i++)
			topics[i] = str_of(s->topics[i]);
		policy.topics = topics;
		policy.ntopics = (size_t) s->ntopics;
	}
	policy.max_skew = s->max_skew;
	r = bm_sns_parse(body, &policy, &o->msg, &info);
	if (r != BM_SIG_VALID)
	{
		set_outcome(out, r, &info);
		return;
	}
	f = bm_sns_msg_fields(o->msg);
	url = pnstrdup(f->signing_cert_url.ptr, f->signing_cert_url.len);

	if (session)
	{
		if (session_trust == NULL)
		{
			r = bm_sns_trust_create(ca_file(), BM_STR_NULL, BM_STR_NULL, 0, &session_trust, &info);
			if (r != BM_SIG_VALID)
				ereport(ERROR,
						(errcode(ERRCODE_CONFIG_FILE_ERROR),
						 errmsg("could not load the CA bundle for SNS certificates: %s", info.message),
						 errhint("Set bounce_mgmt.http_ca_file to a PEM bundle of trust anchors.")));
		}
		trust = session_trust;
		for (int i = 0; i < CERT_CACHE; i++)
			if (cert_cache[i].cert != NULL && strcmp(cert_cache[i].url, url) == 0)
				cert = cert_cache[i].cert;
	}
	else
	{
		/* the secret pins its own trust anchors (a certificate or an intermediate): a chain may end there */
		r = bm_sns_trust_create(ca_file(), str_of(s->sns_certificates), BM_STR_NULL,
								BM_SNS_TRUST_PARTIAL_CHAIN, &o->trust, &info);
		if (r != BM_SIG_VALID)
		{
			set_outcome(out, r, &info);
			return;
		}
		trust = o->trust;
	}
	if (cert == NULL)
	{
		char	   *pem = certificate(url, "SNS signing certificate");

		r = load_cert(trust, session, url, pem, now, &cert, &info);
		if (r != BM_SIG_VALID)
		{
			set_outcome(out, r, &info);
			return;
		}
		if (session && strlen(url) < sizeof(cert_cache[0].url))
		{
			/* the slot's previous handle goes; the new one stays for the session */
			bm_sns_cert_free(cert_cache[cert_cache_next].cert);
			strlcpy(cert_cache[cert_cache_next].url, url, sizeof(cert_cache[0].url));
			cert_cache[cert_cache_next].cert = cert;
			cert_cache_next = (cert_cache_next + 1) % CERT_CACHE;
		}
		else
			o->cert = cert;
	}
	r = bm_sns_verify(o->msg, cert, &policy, now, &info);
	set_outcome(out, r, &info);
}

/* ---- one verification ------------------------------------------------------------------------------------ */

static void
record_rejection(const secret_row *s, const char *name, const outcome *out, text *body, Jsonb *headers)
{
	Oid			types[7] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, JSONBOID};
	Datum		args[7];
	char		nulls[7] = {' ', ' ', ' ', ' ', ' ', ' ', ' '};
	int			rc;

	args[0] = CStringGetTextDatum(name);
	if (s != NULL)
		args[1] = CStringGetTextDatum(bm_provider_name(s->provider));
	else
		nulls[1] = 'n';
	args[2] = CStringGetTextDatum(out->result);
	if (out->field)
		args[3] = CStringGetTextDatum(out->field);
	else
		nulls[3] = 'n';
	args[4] = CStringGetTextDatum(out->message);
	if (s != NULL && s->keep_rejected && body != NULL)
		args[5] = PointerGetDatum(body);
	else
		nulls[5] = 'n';
	if (s != NULL && s->keep_rejected && headers != NULL)
		args[6] = JsonbPGetDatum(headers);
	else
		nulls[6] = 'n';
	rc = SPI_execute_with_args("INSERT INTO " BM_SCHEMA ".webhook_rejections"
							   " (secret_name, provider, result, field, message, body, headers)"
							   " VALUES ($1, $2::" BM_SCHEMA ".provider, $3, $4, $5, $6, $7)",
							   7, types, args, nulls, false, 0);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "bounce_mgmt: recording a refused webhook failed: %s", SPI_result_code_string(rc));
}

/* Mailgun: the token of an authentic webhook is accepted once. */
static bool
token_is_new(const char *secret_name, const char *token)
{
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		args[2] = {CStringGetTextDatum(token), CStringGetTextDatum(secret_name)};
	int			rc;

	rc = SPI_execute_with_args("INSERT INTO " BM_SCHEMA ".webhook_tokens (token, secret_name) VALUES ($1, $2)"
							   " ON CONFLICT (token) DO NOTHING", 2, types, args, NULL, false, 0);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "bounce_mgmt: remembering a Mailgun token failed: %s", SPI_result_code_string(rc));
	return SPI_processed == 1;
}

/*
 * Verifies body against the named secret (expected_provider: the caller's provider, or AUTO).  Connected
 * to SPI by the caller.  Records a refusal.  *secret_out gets the secret's row when there is one.
 */
static void
verify(bm_provider expected_provider, text *body_t, Jsonb *headers, const char *name, outcome *out,
	   secret_row *secret_out, bool *have_secret)
{
	secret_row	s;
	bm_str		body = {VARDATA_ANY(body_t), VARSIZE_ANY_EXHDR(body_t)};
	int64		now = (int64) time(NULL);
	bm_sig_info info;
	bm_sig_result r;
	owned	   *o = owned_new();

	memset(out, 0, sizeof(*out));
	memset(&info, 0, sizeof(info));
	*have_secret = load_secret(name, &s);
	if (!*have_secret)
	{
		out->result = "unknown_secret";
		out->field = "secret_name";
		snprintf(out->message, sizeof(out->message), "no webhook secret is named \"%s\"", name);
		record_rejection(NULL, name, out, body_t, headers);
		return;
	}
	*secret_out = s;
	if (expected_provider != BM_PROVIDER_AUTO && expected_provider != s.provider)
	{
		out->result = "malformed";
		out->field = "provider";
		snprintf(out->message, sizeof(out->message), "the secret \"%s\" is for %s, not %s", name,
				 bm_provider_name(s.provider), bm_provider_name(expected_provider));
		record_rejection(&s, name, out, body_t, headers);
		return;
	}
	switch (s.provider)
	{
		case BM_PROVIDER_SENDGRID:
			r = bm_sig_sendgrid(body, header(headers, BM_SIG_SENDGRID_SIGNATURE_HEADER),
								header(headers, BM_SIG_SENDGRID_TIMESTAMP_HEADER), str_of(s.secret), now,
								s.max_skew, &info);
			set_outcome(out, r, &info);
			break;
		case BM_PROVIDER_MAILGUN:
			r = bm_sig_mailgun(body, str_of(s.secret), now, s.max_skew, &info);
			set_outcome(out, r, &info);
			if (r == BM_SIG_VALID && !token_is_new(name, info.token))
			{
				out->valid = false;
				out->result = "replay";
				out->field = "signature.token";
				strlcpy(out->message, "this webhook's token was accepted before: a replay", sizeof(out->message));
			}
			break;
		case BM_PROVIDER_MANDRILL:
			r = bm_sig_mandrill(body, header(headers, BM_SIG_MANDRILL_SIGNATURE_HEADER), str_of(s.webhook_url),
								str_of(s.secret), &info);
			set_outcome(out, r, &info);
			break;
		case BM_PROVIDER_SES:
			verify_sns(&s, body, now, o, out);
			break;
		default:
			out->result = "malformed";
			snprintf(out->message, sizeof(out->message), "%s webhooks carry no signature",
					 bm_provider_name(s.provider));
	}
	if (!out->valid)
		record_rejection(&s, name, out, body_t, headers);
}

static void
check_args(FunctionCallInfo fcinfo, int body_arg, int name_arg)
{
	if (PG_ARGISNULL(body_arg))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("body must not be NULL")));
	if (PG_ARGISNULL(name_arg))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("secret_name must not be NULL"),
				 errhint("Name a row of bounce_mgmt.webhook_secrets.")));
}

/* verify_webhook(provider text, body text, headers jsonb, secret_name text) RETURNS boolean */
Datum
bm_verify_webhook_sql(PG_FUNCTION_ARGS)
{
	bm_provider provider = BM_PROVIDER_AUTO;
	outcome		out;
	secret_row	s;
	bool		have;

	check_args(fcinfo, 1, 3);
	if (!PG_ARGISNULL(0))
	{
		text	   *p = PG_GETARG_TEXT_PP(0);

		if (!bm_provider_from_name(VARDATA_ANY(p), VARSIZE_ANY_EXHDR(p), &provider))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown provider \"%s\"", text_to_cstring(p)),
					 errhint("Signed webhooks: sendgrid, mailgun, mandrill, ses (SNS).")));
	}
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "bounce_mgmt: SPI_connect failed");
	verify(provider, PG_GETARG_TEXT_PP(1), PG_ARGISNULL(2) ? NULL : PG_GETARG_JSONB_P(2),
		   text_to_cstring(PG_GETARG_TEXT_PP(3)), &out, &s, &have);
	SPI_finish();
	PG_RETURN_BOOL(out.valid);
}

/*
 * ingest_verified(body text, headers jsonb, secret_name text) → (verified, result, batch_id, events,
 * inserted, duplicates, quarantined): ingests the body with the secret's provider only when it verifies;
 * otherwise stores nothing but the refusal and says why (no ERROR, so the refusal stays recorded).
 */
Datum
bm_ingest_verified_sql(PG_FUNCTION_ARGS)
{
	text	   *body;
	outcome		out;
	secret_row	s;
	bool		have;
	TupleDesc	tupdesc;
	Datum		values[7];
	bool		nulls[7] = {false, false, true, true, true, true, true};

	check_args(fcinfo, 0, 2);
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "bounce_mgmt: ingest_verified() must return a composite");
	tupdesc = BlessTupleDesc(tupdesc);
	body = PG_GETARG_TEXT_PP(0);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "bounce_mgmt: SPI_connect failed");
	verify(BM_PROVIDER_AUTO, body, PG_ARGISNULL(1) ? NULL : PG_GETARG_JSONB_P(1),
		   text_to_cstring(PG_GETARG_TEXT_PP(2)), &out, &s, &have);
	SPI_finish();
	values[0] = BoolGetDatum(out.valid);
	values[1] = CStringGetTextDatum(out.result);
	if (out.valid)
	{
		bm_ingest_options opts;
		bm_ingest_result res;

		memset(&opts, 0, sizeof(opts));
		opts.provider = s.provider;
		opts.source = "ingest_verified";
		bm_ingest_payload(VARDATA_ANY(body), VARSIZE_ANY_EXHDR(body), &opts, &res);
		values[2] = Int64GetDatum(res.batch_id);
		values[3] = Int32GetDatum(res.events);
		values[4] = Int32GetDatum(res.inserted);
		values[5] = Int32GetDatum(res.duplicates);
		values[6] = Int32GetDatum(res.quarantined);
		for (int i = 2; i < 7; i++)
			nulls[i] = false;
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/*
 * sns_confirm_subscription(body text, secret_name text) RETURNS boolean: for an SNS SubscriptionConfirmation
 * that verifies with the named secret (its topic allowed), visits its SubscribeURL — https on
 * sns.<region>.amazonaws.com with Action=ConfirmSubscription only, checked before the signature — and
 * returns true when SNS answered 2xx.  Opt-in: ingest() only notes such messages.  false for any other
 * message or one that does not verify (recorded as refused).
 */
Datum
bm_sns_confirm_subscription_sql(PG_FUNCTION_ARGS)
{
	text	   *body;
	outcome		out;
	secret_row	s;
	bool		have;
	char	   *url = NULL;

	check_args(fcinfo, 0, 1);
	body = PG_GETARG_TEXT_PP(0);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "bounce_mgmt: SPI_connect failed");
	verify(BM_PROVIDER_SES, body, NULL, text_to_cstring(PG_GETARG_TEXT_PP(1)), &out, &s, &have);
	if (out.valid)
	{
		bm_sns_msg *msg = NULL;
		bm_sig_info info;

		/* parsed again to read its fields (verify() freed its copy); the checks passed a moment ago */
		if (bm_sns_parse((bm_str) {VARDATA_ANY(body), VARSIZE_ANY_EXHDR(body)}, NULL, &msg, &info) == BM_SIG_VALID)
		{
			const bm_sns_fields *f = bm_sns_msg_fields(msg);

			if (f->type.len == strlen("SubscriptionConfirmation") &&
				memcmp(f->type.ptr, "SubscriptionConfirmation", f->type.len) == 0 && f->subscribe_url.len > 0 &&
				bm_sns_check_subscribe_url(f->subscribe_url, &info) == BM_SIG_VALID)
				url = pnstrdup(f->subscribe_url.ptr, f->subscribe_url.len);
			bm_sns_msg_free(msg);
		}
	}
	SPI_finish();
	if (url == NULL)
		PG_RETURN_BOOL(false);
	{
		size_t		len;

		(void) fetch(url, "SNS subscription confirmation", &len);	/* non-2xx answers raise */
	}
	PG_RETURN_BOOL(true);
}
