/*
 * mail_dsn.c — RFC 3464 delivery-status and RFC 5965 feedback-report field parsers.
 * Must not decide anything about the bounce: it only splits fields into groups and values.
 */
#include "mail_dsn.h"

#include <string.h>

#include "mail_header.h"

#define DSN_GROUP_FIELDS 64

bm_str
bm_dsn_typed_value(bm_str v, bm_str *type)
{
	bm_str		t = bm_str_trim(v);
	const char *semi = t.ptr ? memchr(t.ptr, ';', t.len) : NULL;

	if (type)
		*type = BM_STR_NULL;
	if (semi == NULL)
		return t;
	/* "type;" only when the type looks like one (an atom, no '@' or '<') */
	for (const char *q = t.ptr; q < semi; q++)
		if (*q == '@' || *q == '<' || *q == ' ' || *q == '"')
			return t;
	if (type)
		*type = bm_str_trim((bm_str) {t.ptr, (size_t) (semi - t.ptr)});
	return bm_str_trim((bm_str) {semi + 1, (size_t) (t.ptr + t.len - semi - 1)});
}

/* Unfolded value; on arena exhaustion *oom is set. */
static bm_str
value(bm_arena *a, bm_str raw, bool *oom)
{
	bm_str		v = bm_hdr_unfold(a, raw);

	if (v.ptr == NULL && raw.ptr != NULL)
		*oom = true;
	return v;
}

static bool
is_rcpt_field(bm_str name)
{
	return bm_str_ieq(name, "final-recipient") || bm_str_ieq(name, "original-recipient");
}

static bool
is_per_recipient_field(bm_str name)
{
	return is_rcpt_field(name) || bm_str_ieq(name, "action") || bm_str_ieq(name, "status") ||
		bm_str_ieq(name, "remote-mta") || bm_str_ieq(name, "diagnostic-code") ||
		bm_str_ieq(name, "last-attempt-date") || bm_str_ieq(name, "will-retry-until") ||
		bm_str_ieq(name, "x-actual-recipient") || bm_str_ieq(name, "final-log-id");
}

/* Sets one per-recipient field; false when r already has it (a new recipient starts). */
static bool
set_rcpt_field(bm_arena *a, bm_dsn_rcpt *r, bm_str name, bm_str raw, bool *oom)
{
	bm_str	   *slot = NULL;
	bm_str		v = value(a, raw, oom);
	bm_str		type;

	if (bm_str_ieq(name, "final-recipient"))
		slot = &r->final_recipient, v = bm_dsn_typed_value(v, NULL);
	else if (bm_str_ieq(name, "original-recipient"))
		slot = &r->original_recipient, v = bm_dsn_typed_value(v, NULL);
	else if (bm_str_ieq(name, "x-actual-recipient"))
		slot = &r->actual_recipient, v = bm_dsn_typed_value(v, NULL);
	else if (bm_str_ieq(name, "action"))
		slot = &r->action;
	else if (bm_str_ieq(name, "status"))
		slot = &r->status;
	else if (bm_str_ieq(name, "remote-mta"))
		slot = &r->remote_mta, v = bm_dsn_typed_value(v, NULL);
	else if (bm_str_ieq(name, "diagnostic-code"))
	{
		bm_str		d = bm_dsn_typed_value(v, &type);

		if (r->diagnostic.ptr != NULL)
			return false;
		r->diagnostic = d;
		r->diagnostic_type = type;
		return true;
	}
	else if (bm_str_ieq(name, "last-attempt-date"))
		slot = &r->last_attempt_date;
	else if (bm_str_ieq(name, "will-retry-until"))
		slot = &r->will_retry_until;
	if (slot == NULL)
		return true;
	if (slot->ptr != NULL)
		return !is_rcpt_field(name) && !bm_str_ieq(name, "action") && !bm_str_ieq(name, "status");
	*slot = v;
	return true;
}

static bool
has_recipient(const bm_dsn_rcpt *r)
{
	return (r->final_recipient.ptr != NULL && r->final_recipient.len > 0) ||
		(r->original_recipient.ptr != NULL && r->original_recipient.len > 0) ||
		(r->actual_recipient.ptr != NULL && r->actual_recipient.len > 0);
}

/* Appends r to out when it names a recipient. */
static bool
keep_rcpt(bm_arena *a, bm_dsn *out, const bm_dsn_rcpt *r, int max_rcpts, int *cap)
{
	if (!has_recipient(r) || out->n >= max_rcpts)
		return true;
	if (out->n == *cap)
	{
		int			ncap = *cap ? *cap * 2 : 4;
		bm_dsn_rcpt *nr = bm_arena_alloc(a, sizeof(bm_dsn_rcpt) * (size_t) ncap);

		if (nr == NULL)
			return false;
		if (out->n > 0)
			memcpy(nr, out->rcpts, sizeof(bm_dsn_rcpt) * (size_t) out->n);
		out->rcpts = nr;
		*cap = ncap;
	}
	out->rcpts[out->n++] = *r;
	return true;
}

/*
 * Reads the next group of fields at or after *pos into g (g->fields set by the caller) and moves *pos past
 * it; false at the end of text.  Blank lines and lines that are not fields (some MTAs write prose between
 * the groups) are skipped.
 */
static bool
next_group(const char *text, size_t len, size_t *pos, bm_hblock *g)
{
	size_t		p = *pos;

	for (;;)
	{
		while (p < len && (text[p] == '\n' || text[p] == '\r' || text[p] == ' ' || text[p] == '\t'))
			p++;
		if (p >= len)
		{
			*pos = p;
			return false;
		}
		bm_hdr_parse(NULL, text, len, p, DSN_GROUP_FIELDS, len, g);
		if (g->n > 0)
			break;
		while (p < len && text[p] != '\n' && text[p] != '\r')
			p++;
	}
	*pos = g->body > p ? g->body : p + 1;
	return true;
}

bool
bm_dsn_parse(bm_arena *a, const char *text, size_t len, int max_rcpts, bm_dsn *out)
{
	size_t		pos = 0;
	bm_hfield	fields[DSN_GROUP_FIELDS];
	bm_hblock	g;
	int			cap = out->n;	/* an existing array is full: the next append reallocates */
	bool		oom = false;

	g.fields = fields;
	while (next_group(text, len, &pos, &g))
	{
		bm_dsn_rcpt r;

		memset(&r, 0, sizeof(r));
		for (int i = 0; i < g.n; i++)
		{
			bm_str		name = g.fields[i].name;
			bm_str		raw = g.fields[i].value;

			if (is_per_recipient_field(name))
			{
				if (!set_rcpt_field(a, &r, name, raw, &oom))
				{
					if (!keep_rcpt(a, out, &r, max_rcpts, &cap))
						return false;
					memset(&r, 0, sizeof(r));
					set_rcpt_field(a, &r, name, raw, &oom);
				}
			}
			else if (bm_str_ieq(name, "reporting-mta") && out->reporting_mta.ptr == NULL)
				out->reporting_mta = bm_dsn_typed_value(value(a, raw, &oom), NULL);
			else if (bm_str_ieq(name, "received-from-mta") && out->received_from_mta.ptr == NULL)
				out->received_from_mta = bm_dsn_typed_value(value(a, raw, &oom), NULL);
			else if (bm_str_ieq(name, "arrival-date") && out->arrival_date.ptr == NULL)
				out->arrival_date = value(a, raw, &oom);
			else if (bm_str_ieq(name, "x-original-message-id") && out->original_message_id.ptr == NULL)
				out->original_message_id = value(a, raw, &oom);
		}
		if (!keep_rcpt(a, out, &r, max_rcpts, &cap))
			return false;
		if (oom)
			return false;
	}
	return !oom;
}

bool
bm_arf_parse(bm_arena *a, const char *text, size_t len, bm_arf *out)
{
	size_t		pos = 0;
	bm_hfield	fields[DSN_GROUP_FIELDS];
	bm_hblock	g;
	bool		oom = false;

	memset(out, 0, sizeof(*out));
	g.fields = fields;
	while (next_group(text, len, &pos, &g))
	{
		for (int i = 0; i < g.n; i++)
		{
			bm_str		name = g.fields[i].name;
			bm_str		raw = g.fields[i].value;

			if (bm_str_ieq(name, "feedback-type") && out->feedback_type.ptr == NULL)
				out->feedback_type = value(a, raw, &oom);
			else if (bm_str_ieq(name, "user-agent") && out->user_agent.ptr == NULL)
				out->user_agent = value(a, raw, &oom);
			else if (bm_str_ieq(name, "original-mail-from") && out->original_mail_from.ptr == NULL)
				out->original_mail_from = value(a, raw, &oom);
			else if (bm_str_ieq(name, "original-rcpt-to") && out->nrcpt < 16)
				out->original_rcpt_to[out->nrcpt++] = value(a, raw, &oom);
			else if (bm_str_ieq(name, "removal-recipient") && out->removal_recipient.ptr == NULL)
				out->removal_recipient = value(a, raw, &oom);
			else if ((bm_str_ieq(name, "arrival-date") || bm_str_ieq(name, "received-date")) &&
					 out->arrival_date.ptr == NULL)
				out->arrival_date = value(a, raw, &oom);
			else if (bm_str_ieq(name, "source-ip") && out->source_ip.ptr == NULL)
				out->source_ip = value(a, raw, &oom);
			else if (bm_str_ieq(name, "reporting-mta") && out->reporting_mta.ptr == NULL)
				out->reporting_mta = bm_dsn_typed_value(value(a, raw, &oom), NULL);
			else if (bm_str_ieq(name, "reported-domain") && out->reported_domain.ptr == NULL)
				out->reported_domain = value(a, raw, &oom);
			else if (bm_str_ieq(name, "authentication-results") && out->authentication_results.ptr == NULL)
				out->authentication_results = value(a, raw, &oom);
		}
	}
	return !oom;
}
