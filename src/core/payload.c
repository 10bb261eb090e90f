/*
 * payload.c — the ingestion driver: turns one webhook / API payload into bm_events through the provider
 * adapters (providers/<name>.c).  Top-level arrays are read one element at a time (memory bounded by the
 * largest element, not the payload); top-level objects are parsed whole.  No element is read beyond
 * opts->max_element_bytes: json-c stops there (BM_PAYLOAD_TOO_BIG), so a 70 MB object costs a bounded
 * amount of memory instead of a json-c tree 12 times its size.  Owns every byte it uses in a
 * bm_parser, so a sink that longjmps out leaves nothing behind that bm_parser_destroy() cannot free.
 *
 * Payload forms:
 *   [ ... ]                     elements handed one by one to the adapter's element handler; an element
 *                               that is not an object is rejected ("element is not a JSON object").
 *   { ... }                     handed to the adapter's object handler (single webhooks, API pages, SNS).
 *   mandrill_events=<url-enc>   Mandrill's form-encoded POST body (provider AUTO or mandrill): the field is
 *                               percent-decoded and parsed as JSON; error offsets still point into the
 *                               original body, raw slices into the decoded JSON.
 * A UTF-8 byte order mark and JSON white space around the value are ignored.  json-c parses, one array
 * element (or the object) at a time: see json/json.c for what it accepts beyond RFC 8259 and how
 * integers beyond 64 bits keep their text; an element where that cannot be done is rejected ("integer
 * outside the 64-bit range"), never used with a changed value.
 *
 * Provider detection (opts->provider == BM_PROVIDER_AUTO) looks only at member names (and a few string
 * values) of the top-level object, or of the FIRST element of a top-level array, in this order:
 *   object:  SES          "Type" is Notification/SubscriptionConfirmation/UnsubscribeConfirmation and
 *                         "TopicArn" or "MessageId" present (SNS envelope); or "notificationType" /
 *                         "eventType" with a "mail" object (raw SES notification / event publishing)
 *            Mailgun      "event-data" object (webhook), or "items" array (Events / Bounces API page)
 *            Postmark     "RecordType"; or "Bounces" array with "TotalCount" (Bounces API page); or
 *                         "BouncedAt" with "TypeCode" (webhook without RecordType)
 *            Mandrill     "mandrill_events" (a form body someone already turned into JSON)
 *            then the element rules below applied to the object itself (single-event providers)
 *   element: SparkPost    "msys"
 *            Mandrill     "msg" object and "event"
 *            Mailjet      "MessageID" with "mj_campaign_id"/"mj_contact_id"/"mj_message_id", or "event",
 *                         "time" and "MessageID"
 *            Brevo        "event" and "email" with "ts_epoch" / "ts_event" / "message-id"
 *            Generic      "event", "email" and "occurred_at"
 *            SendGrid     "sg_event_id" / "sg_message_id" / "smtp-id"; or "created" and "email" without
 *                         "event" (suppression list); or "event", "email" and "timestamp"
 * No match is BM_PAYLOAD_UNDETECTED; an empty array is OK with no events and *detected = AUTO.
 */
#include "payload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "providers/adapter.h"
#include "json/json.h"

#define BM_DEFAULT_MAX_DEPTH 64

struct bm_parser
{
	bj_doc		doc;
	bm_ctx		ctx;
	char	   *form;			/* decoded Mandrill form field */
	size_t		form_cap;
	struct walk_frame
	{
		bm_json_kind kind;
		uint32_t	remaining;
	}			walk[BJ_MAX_DEPTH + 1];	/* bm_payload_walk's open containers */
};

/* Indexed by bm_provider; NULL for a provider without JSON payloads (email). */
static const bm_adapter *const adapters[BM_PROVIDER_COUNT] = {
	[BM_PROVIDER_SENDGRID] = &bm_adapter_sendgrid,
	[BM_PROVIDER_SES] = &bm_adapter_ses,
	[BM_PROVIDER_MAILGUN] = &bm_adapter_mailgun,
	[BM_PROVIDER_POSTMARK] = &bm_adapter_postmark,
	[BM_PROVIDER_GENERIC] = &bm_adapter_generic,
	[BM_PROVIDER_SPARKPOST] = &bm_adapter_sparkpost,
	[BM_PROVIDER_MAILJET] = &bm_adapter_mailjet,
	[BM_PROVIDER_BREVO] = &bm_adapter_brevo,
	[BM_PROVIDER_MANDRILL] = &bm_adapter_mandrill,
};

/* Detection order (see the header comment). */
static const bm_provider object_order[] = {
	BM_PROVIDER_SES, BM_PROVIDER_MAILGUN, BM_PROVIDER_POSTMARK, BM_PROVIDER_MANDRILL,
	BM_PROVIDER_SPARKPOST, BM_PROVIDER_MAILJET, BM_PROVIDER_BREVO, BM_PROVIDER_GENERIC,
	BM_PROVIDER_SENDGRID,
};
static const bm_provider element_order[] = {
	BM_PROVIDER_SPARKPOST, BM_PROVIDER_MANDRILL, BM_PROVIDER_MAILJET, BM_PROVIDER_BREVO,
	BM_PROVIDER_GENERIC, BM_PROVIDER_SENDGRID,
};

bm_parser *
bm_parser_create(void)
{
	bm_parser  *p = calloc(1, sizeof(bm_parser));

	if (p == NULL)
		return NULL;
	bj_doc_init(&p->doc);
	return p;
}

void
bm_parser_destroy(bm_parser *p)
{
	if (p == NULL)
		return;
	bj_doc_free(&p->doc);
	bm_sb_free(&p->ctx.id);
	bm_sb_free(&p->ctx.msg);
	bm_sb_free(&p->ctx.field);
	bm_sb_free(&p->ctx.aux);
	free(p->form);
	free(p);
}

/* ---- errors ----------------------------------------------------------------------------------------- */

static bm_payload_status
set_error(bm_payload_error *err, bm_payload_status st, size_t offset, bm_provider provider,
		  const char *field, const char *message)
{
	err->status = st;
	err->offset = offset;
	err->provider = provider;
	snprintf(err->field, sizeof(err->field), "%s", field ? field : "$");
	snprintf(err->message, sizeof(err->message), "%s", message ? message : "");
	return st;
}

static bm_payload_status
json_error(bm_payload_error *err, bj_status st, const bj_error *je, size_t base, bm_provider provider,
		   const char *field, size_t max_bytes)
{
	char		msg[200];

	switch (st)
	{
		case BJ_NO_MEMORY:
			return set_error(err, BM_PAYLOAD_NO_MEMORY, 0, provider, field, "out of memory");
		case BJ_TOO_DEEP:
			snprintf(msg, sizeof(msg), "JSON nested too deeply at byte %zu", base + je->offset);
			return set_error(err, BM_PAYLOAD_TOO_DEEP, base + je->offset, provider, field, msg);
		case BJ_TOO_BIG:
			snprintf(msg, sizeof(msg), "the JSON element at byte %zu is larger than %zu bytes",
					 base + je->offset, max_bytes);
			return set_error(err, BM_PAYLOAD_TOO_BIG, base + je->offset, provider, field, msg);
		default:
			snprintf(msg, sizeof(msg), "invalid JSON at byte %zu: %s", base + je->offset, je->message);
			return set_error(err, BM_PAYLOAD_SYNTAX, base + je->offset, provider, field, msg);
	}
}

static bool
ctx_oom(const bm_ctx *c)
{
	return c->id.oom || c->msg.oom || c->field.oom || c->aux.oom;
}

/* ---- detection -------------------------------------------------------------------------------------- */

static const bm_adapter *
detect(const bj_doc *d, bj_ref r, bool element)
{
	const bm_provider *order = element ? element_order : object_order;
	size_t		n = element ? sizeof(element_order) / sizeof(element_order[0])
		: sizeof(object_order) / sizeof(object_order[0]);

	if (!bj_is(d, r, BJ_OBJECT))
		return NULL;
	for (size_t i = 0; i < n; i++)
	{
		const bm_adapter *a = adapters[order[i]];
		bool		(*fn) (const bj_doc *, bj_ref) = element ? a->detect_element : a->detect_object;

		if (fn && fn(d, r))
			return a;
	}
	return NULL;
}

/* A recognizable API error body ({"errors":[{"message"}]}, {"message"}, {"ErrorCode","Message"}), for a
 * better UNDETECTED / SHAPE message. */
static bm_str
api_error_message(const bj_doc *d, bj_ref obj)
{
	bj_ref		r;

	if ((r = bj_get(d, obj, "errors")) && bj_is(d, r, BJ_ARRAY))
		return bm_json_str(d, bj_get(d, bj_first(d, r), "message"));
	if (bj_get(d, obj, "ErrorCode"))
		return bm_json_str(d, bj_get(d, obj, "Message"));
	if (bj_at(d, obj)->count <= 2 && (r = bj_get(d, obj, "message")))
		return bm_json_str(d, r);
	return BM_STR_NULL;
}

/* ---- the JSON paths --------------------------------------------------------------------------------- */

static void
ctx_start(bm_parser *p, const bm_payload_opts *opts, const bm_sink *sink, bm_payload_error *err)
{
	bm_ctx	   *c = &p->ctx;

	c->doc = &p->doc;
	c->opts = opts;
	c->sink = sink;
	c->err = err;
	c->adapter = NULL;
	c->provider = BM_PROVIDER_AUTO;
	c->index = 0;
	c->raw = BM_STR_NULL;
	c->raw_ref = 0;
	c->id.oom = c->msg.oom = c->field.oom = c->aux.oom = false;
}

static void
ctx_use(bm_ctx *c, const bm_adapter *a)
{
	c->adapter = a;
	c->provider = a->provider;
}

static size_t
skip_ws(const char *t, size_t pos, size_t len)
{
	while (pos < len && (t[pos] == ' ' || t[pos] == '\n' || t[pos] == '\r' || t[pos] == '\t'))
		pos++;
	return pos;
}

static bm_payload_status
trailing_check(const char *text, size_t pos, size_t len, size_t base, bm_ctx *c)
{
	char		msg[120];

	pos = skip_ws(text, pos, len);
	if (pos == len)
		return BM_PAYLOAD_OK;
	snprintf(msg, sizeof(msg), "invalid JSON at byte %zu: unexpected data after the JSON value",
			 base + pos);
	return set_error(c->err, BM_PAYLOAD_SYNTAX, base + pos, c->provider, "$", msg);
}

static bm_payload_status
parse_array(bm_parser *p, const char *text, size_t len, size_t pos, size_t base, int max_depth,
			bm_provider *detected)
{
	bm_ctx	   *c = &p->ctx;
	bj_doc	   *d = &p->doc;
	size_t		index = 0;
	char		field[48];
	char		msg[200];

	if (c->adapter && c->adapter->element == NULL)
		return set_error(c->err, BM_PAYLOAD_SHAPE, 0, c->provider, "$", "");	/* message set below */
	pos = skip_ws(text, pos + 1, len);
	if (pos < len && text[pos] == ']')
		return trailing_check(text, pos + 1, len, base, c);

	for (;;)
	{
		bj_ref		root;
		bj_error	je;
		bj_status	js;
		size_t		start;

		bj_doc_reset(d);
		pos = skip_ws(text, pos, len);
		start = pos;
		js = bj_parse(d, text, len, &pos, max_depth - 1, &root, &je);
		if (js != BJ_OK && js != BJ_RANGE)
		{
			snprintf(field, sizeof(field), "$[%zu]", index);
			return json_error(c->err, js, &je, base, c->provider, field, d->max_value_bytes);
		}

		if (c->adapter == NULL)
		{
			const bm_adapter *a = detect(d, root, true);

			if (a == NULL)
			{
				snprintf(msg, sizeof(msg), "cannot tell the provider from the first element of the array;"
						 " pass one of: %s", bm_provider_list());
				return set_error(c->err, BM_PAYLOAD_UNDETECTED, 0, BM_PROVIDER_AUTO, "$[0]", msg);
			}
			ctx_use(c, a);
			*detected = a->provider;
			if (a->element == NULL)
				return set_error(c->err, BM_PAYLOAD_SHAPE, 0, c->provider, "$", "");
		}
		c->index = index;
		c->raw = (bm_str) {text + start, pos - start};
		c->raw_ref = root;
		if (!bj_is(d, root, BJ_OBJECT))
			bm_reject_elem(c, "element is not a JSON object", "");
		else if (js == BJ_RANGE)
			bm_reject_elem(c, je.message, "");
		else
		{
			bm_payload_status st = c->adapter->element(c, root);

			if (st != BM_PAYLOAD_OK)
				return st;
		}
		if (ctx_oom(c))
			return set_error(c->err, BM_PAYLOAD_NO_MEMORY, 0, c->provider, "$", "out of memory");

		pos = skip_ws(text, pos, len);
		if (pos >= len)
		{
			snprintf(msg, sizeof(msg), "invalid JSON at byte %zu: unexpected end of input", base + len);
			return set_error(c->err, BM_PAYLOAD_SYNTAX, base + len, c->provider, "$", msg);
		}
		if (text[pos] == ',')
		{
			pos++;
			index++;
			continue;
		}
		if (text[pos] == ']')
			return trailing_check(text, pos + 1, len, base, c);
		snprintf(msg, sizeof(msg), "invalid JSON at byte %zu: expected ',' or ']'", base + pos);
		return set_error(c->err, BM_PAYLOAD_SYNTAX, base + pos, c->provider, "$", msg);
	}
}

static bm_payload_status
parse_object(bm_parser *p, const char *text, size_t len, size_t pos, size_t base, int max_depth,
			 bm_provider *detected)
{
	bm_ctx	   *c = &p->ctx;
	bj_doc	   *d = &p->doc;
	bj_ref		root;
	bj_error	je;
	bj_status	js;
	size_t		start = pos;
	bm_payload_status st;
	char		msg[256];

	bj_doc_reset(d);
	js = bj_parse(d, text, len, &pos, max_depth, &root, &je);
	if (js != BJ_OK && js != BJ_RANGE)
		return json_error(c->err, js, &je, base, c->provider, "$", d->max_value_bytes);
	st = trailing_check(text, pos, len, base, c);
	if (st != BM_PAYLOAD_OK)
		return st;
	if (!bj_is(d, root, BJ_OBJECT))
	{
		snprintf(msg, sizeof(msg), "%s payloads are a JSON array or object, got a JSON %s",
				 c->adapter ? c->adapter->label : "provider",
				 bj_type_of(d, root) == BJ_STRING ? "string" :
				 bj_type_of(d, root) == BJ_NUMBER ? "number" : "literal");
		return set_error(c->err, BM_PAYLOAD_SHAPE, 0, c->provider, "$", msg);
	}
	if (c->adapter == NULL)
	{
		const bm_adapter *a = detect(d, root, false);

		if (a == NULL)
		{
			bm_str		apierr = api_error_message(d, root);

			if (apierr.ptr)
				bm_api_error_text(msg, sizeof(msg), NULL, apierr);
			else
				snprintf(msg, sizeof(msg), "cannot tell the provider from the JSON object's members;"
						 " pass one of: %s", bm_provider_list());
			return set_error(c->err, BM_PAYLOAD_UNDETECTED, 0, BM_PROVIDER_AUTO, "$", msg);
		}
		ctx_use(c, a);
		*detected = a->provider;
	}
	if (c->adapter->object == NULL)
	{
		bm_str		apierr = api_error_message(d, root);

		if (apierr.ptr)
			bm_api_error_text(msg, sizeof(msg), c->adapter->label, apierr);
		else
			snprintf(msg, sizeof(msg), "%s payloads are %s; got a JSON object", c->adapter->label,
					 c->adapter->shapes);
		return set_error(c->err, BM_PAYLOAD_SHAPE, 0, c->provider, "$", msg);
	}
	c->index = 0;
	c->raw = (bm_str) {text + start, pos - start};
	c->raw_ref = root;
	if (js == BJ_RANGE)
	{
		bm_reject_elem(c, je.message, "");
		return BM_PAYLOAD_OK;
	}
	st = c->adapter->object(c, root);
	if (st == BM_PAYLOAD_OK && ctx_oom(c))
		return set_error(c->err, BM_PAYLOAD_NO_MEMORY, 0, c->provider, "$", "out of memory");
	return st;
}

/* Parses JSON text (the payload, or a decoded form field whose offset 0 is payload offset base). */
static bm_payload_status
parse_json_text(bm_parser *p, const char *text, size_t len, size_t base, int max_depth,
				bm_provider *detected)
{
	bm_ctx	   *c = &p->ctx;
	size_t		pos = 0;
	bm_payload_status st;
	char		msg[200];

	if (len >= 3 && (unsigned char) text[0] == 0xef && (unsigned char) text[1] == 0xbb &&
		(unsigned char) text[2] == 0xbf)
		pos = 3;
	pos = skip_ws(text, pos, len);
	if (pos >= len)
	{
		snprintf(msg, sizeof(msg), "invalid JSON at byte %zu: empty payload", base + len);
		return set_error(c->err, BM_PAYLOAD_SYNTAX, base + len, c->provider, "$", msg);
	}
	if (text[pos] == '[')
	{
		st = parse_array(p, text, len, pos, base, max_depth, detected);
		if (st == BM_PAYLOAD_SHAPE && c->err->message[0] == '\0')
			snprintf(c->err->message, sizeof(c->err->message), "%s payloads are %s; got a JSON array",
					 c->adapter->label, c->adapter->shapes);
		return st;
	}
	return parse_object(p, text, len, pos, base, max_depth, detected);
}

/* ---- walking a parsed value ------------------------------------------------------------------------- */

static const bm_json_kind walk_kinds[] = {
	[BJ_NULL] = BM_JSON_NULL, [BJ_FALSE] = BM_JSON_FALSE, [BJ_TRUE] = BM_JSON_TRUE,
	[BJ_NUMBER] = BM_JSON_NUMBER, [BJ_STRING] = BM_JSON_STRING, [BJ_ARRAY] = BM_JSON_ARRAY,
	[BJ_OBJECT] = BM_JSON_OBJECT,
};

/*
 * The nodes of a value are stored in document order (a container's first child follows it, its children
 * and their subtrees follow each other), so the walk is a forward scan with a stack of how many children
 * each open container still has.
 */
bool
bm_payload_walk(const bm_parser *parser, uint32_t ref, const bm_json_visitor *v)
{
	const bj_doc *d = &parser->doc;
	struct walk_frame *stack = ((bm_parser *) parser)->walk;
	int			depth = 0;
	uint32_t	i = ref;

	if (ref == 0 || ref >= d->n)
		return false;
	for (;;)
	{
		const bj_node *n = bj_at(d, i);
		bm_json_kind kind = walk_kinds[n->type];
		bool		container = (kind == BM_JSON_ARRAY || kind == BM_JSON_OBJECT);

		if (!v->value(v->ctx, kind, depth > 0 && stack[depth - 1].kind == BM_JSON_OBJECT ? n->key : NULL,
					  n->key_len, container ? NULL : n->str, container ? 0 : n->len,
					  (n->flags & BJ_F_HAS_NUL) != 0))
			return false;
		if (container && n->count > 0)
		{
			if (depth > BJ_MAX_DEPTH)
				return false;	/* deeper than any parse allows: cannot happen */
			stack[depth].kind = kind;
			stack[depth].remaining = n->count;
			depth++;
			i++;
			continue;
		}
		if (container && !v->end(v->ctx, kind))
			return false;
		/* node i is done: close every container whose last child it was */
		while (depth > 0 && --stack[depth - 1].remaining == 0)
		{
			depth--;
			if (!v->end(v->ctx, stack[depth].kind))
				return false;
		}
		if (depth == 0)
			return true;
		i++;
	}
}

/* ---- Mandrill's form-encoded body --------------------------------------------------------------------- */

static bm_payload_status
parse_form(bm_parser *p, const char *text, size_t vs, size_t ve, int max_depth,
		   bm_provider *detected)
{
	bm_ctx	   *c = &p->ctx;
	size_t		n = 0;
	size_t		bad = 0;
	bm_payload_status st;
	char		msg[160];

	if (ve - vs + 1 > p->form_cap)
	{
		char	   *nf = realloc(p->form, ve - vs + 1);

		if (nf == NULL)
			return set_error(c->err, BM_PAYLOAD_NO_MEMORY, 0, c->provider, "$", "out of memory");
		p->form = nf;
		p->form_cap = ve - vs + 1;
	}
	if (!bm_form_decode(text + vs, ve - vs, p->form, &n, &bad))
	{
		snprintf(msg, sizeof(msg), "invalid percent-encoding at byte %zu of the form body", vs + bad);
		return set_error(c->err, BM_PAYLOAD_SYNTAX, vs + bad, c->provider, "mandrill_events", msg);
	}
	ctx_use(c, &bm_adapter_mandrill);
	*detected = BM_PROVIDER_MANDRILL;
	st = parse_json_text(p, p->form, n, 0, max_depth, detected);
	if (st == BM_PAYLOAD_SYNTAX || st == BM_PAYLOAD_TOO_DEEP || st == BM_PAYLOAD_TOO_BIG)
	{
		/* point into the original body; say so in the message, which quoted the decoded offset */
		size_t		off = bm_form_encoded_offset(text, vs, ve, c->err->offset);

		c->err->offset = off;
		if (st == BM_PAYLOAD_TOO_BIG)
			snprintf(c->err->message, sizeof(c->err->message), "a JSON element larger than %zu bytes in the"
					 " mandrill_events form field at byte %zu of the body", p->doc.max_value_bytes, off);
		else
			snprintf(c->err->message, sizeof(c->err->message), "%s JSON in the mandrill_events form field at"
					 " byte %zu of the body", st == BM_PAYLOAD_SYNTAX ? "invalid" : "too deeply nested", off);
		snprintf(c->err->field, sizeof(c->err->field), "mandrill_events");
	}
	return st;
}

/* ---- entry point ------------------------------------------------------------------------------------ */

bm_payload_status
bm_parse_payload(bm_parser *parser, const char *payload, size_t len, const bm_payload_opts *opts,
				 const bm_sink *sink, bm_provider *detected, bm_payload_error *err)
{
	bm_payload_opts defaults = {BM_PROVIDER_AUTO, 0, false, 0};
	bm_provider dummy;
	bm_payload_status st;
	int			max_depth;
	size_t		pos = 0;
	size_t		vs,
				ve;

	if (detected == NULL)
		detected = &dummy;
	*detected = BM_PROVIDER_AUTO;
	memset(err, 0, sizeof(*err));
	err->provider = BM_PROVIDER_AUTO;
	if (opts == NULL)
		opts = &defaults;
	if (parser == NULL || sink == NULL || sink->event == NULL || sink->reject == NULL ||
		(payload == NULL && len > 0))
		return set_error(err, BM_PAYLOAD_SHAPE, 0, BM_PROVIDER_AUTO, "$", "invalid arguments");
	if (opts->provider != BM_PROVIDER_AUTO && (unsigned) opts->provider >= BM_PROVIDER_COUNT)
		return set_error(err, BM_PAYLOAD_SHAPE, 0, BM_PROVIDER_AUTO, "$", "unknown provider");
	if (opts->provider != BM_PROVIDER_AUTO && adapters[opts->provider] == NULL)
		return set_error(err, BM_PAYLOAD_SHAPE, 0, opts->provider, "$",
						 "this provider's input is not a JSON payload (bounce emails: ingest_email())");
	if (payload == NULL)
		payload = "";
	max_depth = opts->max_depth > 0 ? opts->max_depth : BM_DEFAULT_MAX_DEPTH;

	ctx_start(parser, opts, sink, err);
	parser->ctx.max_depth = max_depth;
	parser->doc.max_value_bytes = opts->max_element_bytes > 0 ? opts->max_element_bytes
		: BM_PAYLOAD_DEFAULT_MAX_ELEMENT;
	if (opts->provider != BM_PROVIDER_AUTO)
	{
		ctx_use(&parser->ctx, adapters[opts->provider]);
		*detected = opts->provider;
	}

	/* a form body: only Mandrill sends one */
	pos = skip_ws(payload, 0, len);
	if ((opts->provider == BM_PROVIDER_AUTO || opts->provider == BM_PROVIDER_MANDRILL) && pos < len &&
		payload[pos] != '[' && payload[pos] != '{' &&
		bm_form_find(payload, len, "mandrill_events", &vs, &ve))
		st = parse_form(parser, payload, vs, ve, max_depth, detected);
	else
		st = parse_json_text(parser, payload, len, 0, max_depth, detected);
	if (st != BM_PAYLOAD_OK && err->status == BM_PAYLOAD_OK)
		err->status = st;
	bj_doc_trim(&parser->doc);
	return st;
}
