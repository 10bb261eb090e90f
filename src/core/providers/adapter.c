/*
 * adapter.c — helpers shared by the provider adapters: reading typed values out of bj nodes, starting,
 * emitting and rejecting events, scratch buffers for derived ids.  No allocation per event once the
 * scratch buffers have grown to their working size.
 */
#include "adapter.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- scratch buffers -------------------------------------------------------------------------------- */

void
bm_sb_reset(bm_sbuf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

static bool
sb_reserve(bm_sbuf *b, size_t extra)
{
	size_t		need;
	size_t		ncap;
	char	   *nd;

	if (b->oom)
		return false;
	if (extra > SIZE_MAX - b->len - 1)
	{
		b->oom = true;
		return false;
	}
	need = b->len + extra + 1;
	if (need <= b->cap)
		return true;
	ncap = b->cap ? b->cap : 256;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	nd = realloc(b->data, ncap);
	if (nd == NULL)
	{
		b->oom = true;
		return false;
	}
	b->data = nd;
	b->cap = ncap;
	return true;
}

void
bm_sb_add(bm_sbuf *b, const char *s, size_t n)
{
	if (!sb_reserve(b, n))
		return;
	if (n > 0)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
bm_sb_addz(bm_sbuf *b, const char *s)
{
	bm_sb_add(b, s, strlen(s));
}

void
bm_sb_add_str(bm_sbuf *b, bm_str s)
{
	if (s.ptr)
		bm_sb_add(b, s.ptr, s.len);
}

void
bm_sb_add_i64(bm_sbuf *b, int64_t v)
{
	char		tmp[24];

	bm_sb_add_str(b, bm_i64_str(tmp, v));
}

void
bm_sb_add_hex64(bm_sbuf *b, uint64_t v)
{
	static const char hex[] = "0123456789abcdef";
	char		tmp[16];

	for (int i = 15; i >= 0; i--)
	{
		tmp[i] = hex[v & 0xf];
		v >>= 4;
	}
	bm_sb_add(b, tmp, 16);
}

void
bm_sb_free(bm_sbuf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

bm_str
bm_sb_str(bm_sbuf *b)
{
	if (b->oom)
		return BM_STR_NULL;
	if (b->data == NULL && !sb_reserve(b, 0))
		return BM_STR_NULL;
	return (bm_str) {b->data, b->len};
}

uint64_t
bm_fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++)
	{
		h ^= s[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

bm_str
bm_hashed_id(bm_ctx *c, const char *prefix, const bm_str *parts, size_t nparts)
{
	uint64_t	h = BM_FNV_INIT;

	for (size_t i = 0; i < nparts; i++)
	{
		if (i > 0)
			h = bm_fnv1a(h, "|", 1);
		if (parts[i].ptr)
			h = bm_fnv1a(h, parts[i].ptr, parts[i].len);
	}
	bm_sb_reset(&c->id);
	bm_sb_addz(&c->id, prefix);
	bm_sb_add_hex64(&c->id, h);
	return bm_sb_str(&c->id);
}

bm_str
bm_joined_id(bm_ctx *c, const char *prefix, const bm_str *parts, size_t nparts)
{
	bm_sb_reset(&c->id);
	bm_sb_addz(&c->id, prefix);
	for (size_t i = 0; i < nparts; i++)
	{
		if (i > 0)
			bm_sb_add(&c->id, ":", 1);
		bm_sb_add_str(&c->id, parts[i]);
	}
	return bm_sb_str(&c->id);
}

bm_str
bm_i64_str(char buf[24], int64_t v)
{
	char	   *p = buf + 24;
	uint64_t	u = v < 0 ? (uint64_t) 0 - (uint64_t) v : (uint64_t) v;

	do
	{
		*--p = (char) ('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		*--p = '-';
	return (bm_str) {p, (size_t) (buf + 24 - p)};
}

uint32_t
bm_bounce_name_flags(bm_str event)
{
	if (bm_str_eq(event, "hard_bounce"))
		return BM_EVF_PROVIDER_HARD;
	if (bm_str_eq(event, "soft_bounce"))
		return BM_EVF_PROVIDER_SOFT;
	return 0;
}

/* ---- reading JSON values ---------------------------------------------------------------------------- */

bm_str
bm_json_str(const bj_doc *d, bj_ref r)
{
	const bj_node *n;
	bm_str		s;

	if (!bj_is(d, r, BJ_STRING))
		return BM_STR_NULL;
	n = bj_at(d, r);
	s.ptr = n->str;
	s.len = n->len;
	if (n->flags & BJ_F_HAS_NUL)
	{
		const char *z = memchr(s.ptr, '\0', s.len);

		if (z)
			s.len = (size_t) (z - s.ptr);
	}
	return s;
}

bm_str
bm_json_str_nonempty(const bj_doc *d, bj_ref r)
{
	bm_str		s = bm_json_str(d, r);

	return s.len > 0 ? s : BM_STR_NULL;
}

bm_str
bm_json_scalar_text(const bj_doc *d, bj_ref r)
{
	if (bj_is(d, r, BJ_NUMBER))
		return (bm_str) {bj_at(d, r)->str, bj_at(d, r)->len};
	return bm_json_str(d, r);
}

/* Digits (optionally signed, blanks around) to int64; false on anything else or overflow. */
static bool
parse_int64(const char *s, size_t n, int64_t *out)
{
	size_t		i = 0;
	bool		neg = false;
	uint64_t	v = 0;
	uint64_t	limit;

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	if (i >= n)
		return false;
	limit = neg ? (uint64_t) INT64_MAX + 1 : (uint64_t) INT64_MAX;
	for (; i < n; i++)
	{
		unsigned	dgt;

		if (s[i] < '0' || s[i] > '9')
			return false;
		dgt = (unsigned) (s[i] - '0');
		if (v > (limit - dgt) / 10)
			return false;
		v = v * 10 + dgt;
	}
	*out = neg ? (int64_t) (0 - v) : (int64_t) v;
	return true;
}

bool
bm_json_int(const bj_doc *d, bj_ref r, int64_t *out)
{
	const bj_node *n;

	if (r == 0)
		return false;
	n = bj_at(d, r);
	if (n->type == BJ_NUMBER)
		return (n->flags & BJ_F_INTEGER) && parse_int64(n->str, n->len, out);
	if (n->type == BJ_STRING)
		return parse_int64(n->str, n->len, out);
	return false;
}

int
bm_json_reply_code(const bj_doc *d, bj_ref r)
{
	int64_t		v;

	if (!bm_json_int(d, r, &v) || v < 200 || v > 599)
		return 0;
	return (int) v;
}

bm_status
bm_json_status(const bj_doc *d, bj_ref r)
{
	bm_str		s = bm_json_str(d, r);
	bm_status	st = BM_STATUS_NONE;

	if (s.ptr == NULL)
		return BM_STATUS_NONE;
	/* tolerate blanks around the code */
	while (s.len > 0 && (s.ptr[0] == ' ' || s.ptr[0] == '\t'))
	{
		s.ptr++;
		s.len--;
	}
	while (s.len > 0 && (s.ptr[s.len - 1] == ' ' || s.ptr[s.len - 1] == '\t'))
		s.len--;
	if (!bm_status_parse(s.ptr, s.len, &st))
		return BM_STATUS_NONE;
	return st;
}

bool
bm_json_bool(const bj_doc *d, bj_ref r, bool def)
{
	switch (bj_type_of(d, r))
	{
		case BJ_TRUE:
			return true;
		case BJ_FALSE:
			return false;
		case BJ_STRING:
			if (bj_str_eq(d, r, "true"))
				return true;
			if (bj_str_eq(d, r, "false"))
				return false;
			return def;
		default:
			return def;
	}
}

bj_ref
bm_json_path(const bj_doc *d, bj_ref obj,...)
{
	va_list		ap;
	const char *key;
	bj_ref		r = obj;

	va_start(ap, obj);
	while (r != 0 && (key = va_arg(ap, const char *)) != NULL)
		r = bj_get_n(d, r, key, strlen(key));
	va_end(ap);
	return r;
}

bm_event_type
bm_map_name(const bm_name_map *map, bm_str name, bm_event_type def)
{
	if (name.ptr == NULL)
		return def;
	for (; map->name; map++)
	{
		if (bm_str_eq(name, map->name))
			return map->type;
	}
	return def;
}

/* ---- building events -------------------------------------------------------------------------------- */

bool
bm_ev_begin_str(bm_ctx *c, bm_event *ev, bm_str email, const char *field)
{
	bm_address_status st;
	size_t		len,
				dom;

	memset(ev, 0, sizeof(*ev));
	ev->provider = c->provider;
	ev->type = BM_ET_OTHER;
	ev->status = BM_STATUS_NONE;
	ev->occurred_at = BM_TIME_NONE;
	if (email.ptr == NULL)
	{
		bm_reject_elem(c, "missing field", field);
		return false;
	}
	st = bm_address_normalize(email.ptr, email.len, c->email, &len, &dom);
	if (st != BM_ADDR_OK)
	{
		bm_reject_elem2(c, "invalid email address: ", bm_str_lit(bm_address_status_text(st)), field);
		return false;
	}
	ev->email = (bm_str) {c->email, len};
	ev->email_original = email;
	ev->domain = (bm_str) {c->email + dom, len - dom};
	return true;
}

bool
bm_ev_begin(bm_ctx *c, bm_event *ev, bj_ref email_node, const char *field)
{
	if (email_node != 0 && bj_type_of(c->doc, email_node) != BJ_STRING)
	{
		memset(ev, 0, sizeof(*ev));
		bm_reject_elem(c, "wrong type (a string was expected)", field);
		return false;
	}
	if (email_node != 0 && (bj_at(c->doc, email_node)->flags & BJ_F_HAS_NUL))
	{
		/* bm_json_str would cut the text at the NUL and turn garbage into a valid-looking address */
		memset(ev, 0, sizeof(*ev));
		bm_reject_elem(c, "invalid email address: NUL character in the address", field);
		return false;
	}
	return bm_ev_begin_str(c, ev, bm_json_str(c->doc, email_node), field);
}

bool
bm_time_node(bm_ctx *c, bj_ref node, const char *field, int64_t *us)
{
	const bj_node *n;
	bm_time_status st;

	if (node == 0 || bj_type_of(c->doc, node) == BJ_NULL)
	{
		bm_reject_elem(c, "missing field", field);
		return false;
	}
	n = bj_at(c->doc, node);
	if (n->type != BJ_NUMBER && n->type != BJ_STRING)
	{
		bm_reject_elem(c, "unparseable timestamp: a number or a string was expected", field);
		return false;
	}
	st = bm_time_parse(n->str, n->len, us);
	if (st != BM_TIME_OK)
	{
		bm_reject_elem2(c, "unparseable timestamp: ", bm_str_lit(bm_time_status_text(st)), field);
		return false;
	}
	return true;
}

bool
bm_ev_time(bm_ctx *c, bm_event *ev, bj_ref node, const char *field)
{
	int64_t		us;

	if (!bm_time_node(c, node, field, &us))
		return false;
	ev->occurred_at = us;
	return true;
}

bm_payload_status
bm_each_item(bm_ctx *c, bj_ref arr, bm_payload_status (*fn) (bm_ctx *c, bj_ref obj))
{
	const bj_doc *d = c->doc;
	bm_str		outer = c->raw;
	bj_ref		outer_ref = c->raw_ref;
	size_t		i = 0;

	for (bj_ref r = bj_first(d, arr); r != 0; r = bj_next(d, r), i++)
	{
		bm_payload_status st;
		size_t		len;
		const char *text = bj_text(d, r, &len);

		c->index = i;
		/* containers and numbers have a JSON text (json-c's serialization for a container nested in the
		 * value parsed, unless it would change an integer beyond 64 bits: then the whole value); other
		 * scalars are not events anyway */
		c->raw = text ? (bm_str) {text, len} : outer;
		c->raw_ref = text ? r : outer_ref;
		if (!bj_is(d, r, BJ_OBJECT))
		{
			bm_reject_elem(c, "element is not a JSON object", "");
			continue;
		}
		st = fn(c, r);
		if (st != BM_PAYLOAD_OK)
			return st;
	}
	return BM_PAYLOAD_OK;
}

bj_ref
bm_parse_nested(bm_ctx *c, bm_str text, const char *field, bm_payload_status *st)
{
	bj_error	je;
	bj_status	js;
	bj_ref		root = 0;
	size_t		pos = 0;

	*st = BM_PAYLOAD_OK;
	js = bj_parse(c->doc, text.ptr, text.len, &pos, c->max_depth, &root, &je);
	if (js == BJ_NO_MEMORY)
	{
		*st = BM_PAYLOAD_NO_MEMORY;
		c->err->status = BM_PAYLOAD_NO_MEMORY;
		snprintf(c->err->message, sizeof(c->err->message), "out of memory");
		return 0;
	}
	if (js == BJ_OK)
	{
		while (pos < text.len && (text.ptr[pos] == ' ' || text.ptr[pos] == '\n' ||
								  text.ptr[pos] == '\r' || text.ptr[pos] == '\t'))
			pos++;
		if (pos == text.len)
			return root;
		je.offset = pos;
		je.message = "unexpected data after the JSON value";
	}
	bm_sb_reset(&c->msg);
	bm_sb_addz(&c->msg, js == BJ_TOO_DEEP ? "nested JSON too deep at byte " :
			   js == BJ_TOO_BIG ? "nested JSON too large at byte " : "nested JSON invalid at byte ");
	bm_sb_add_i64(&c->msg, (int64_t) je.offset);
	bm_sb_addz(&c->msg, ": ");
	bm_sb_addz(&c->msg, je.message);
	{
		bm_str		m = bm_sb_str(&c->msg);

		bm_reject_elem(c, m.ptr ? m.ptr : "nested JSON invalid", field);
	}
	return 0;
}

void
bm_emit(bm_ctx *c, bm_event *ev)
{
	if (c->id.oom || c->aux.oom)
		return;					/* the driver reports BM_PAYLOAD_NO_MEMORY */
	if (ev->type == BM_ET_DROPPED)
		ev->flags |= BM_EVF_NO_RATE;
	if (ev->type == BM_ET_DEFERRED)
		ev->flags |= BM_EVF_PROVIDER_SOFT;
	ev->element = c->raw;
	if (!(ev->flags & BM_EVF_PART_RAW))
	{
		ev->raw = c->raw;
		ev->raw_ref = c->raw_ref;
	}
	ev->flags &= ~BM_EVF_PART_RAW;
	if (!c->opts->keep_raw || ev->raw.ptr == NULL)
	{
		ev->raw = BM_STR_NULL;
		ev->raw_ref = 0;
	}
	c->sink->event(c->sink->ctx, ev);
}

void
bm_reject_elem(bm_ctx *c, const char *reason, const char *field)
{
	bm_reject rej;

	rej.provider = c->provider;
	rej.element_index = c->index;
	rej.raw = c->raw;
	rej.reason = reason;
	rej.field = field ? field : "";
	c->sink->reject(c->sink->ctx, &rej);
}

void
bm_reject_elem2(bm_ctx *c, const char *reason, bm_str detail, const char *field)
{
	bm_str		s;

	bm_sb_reset(&c->msg);
	bm_sb_addz(&c->msg, reason);
	/* keep reasons short: a provider value quoted in a reason is cut at 100 bytes (on a UTF-8 start) */
	if (detail.ptr && detail.len > 100)
	{
		size_t		n = 100;

		while (n > 0 && ((unsigned char) detail.ptr[n] & 0xc0) == 0x80)
			n--;
		detail.len = n;
		bm_sb_add_str(&c->msg, detail);
		bm_sb_addz(&c->msg, "...");
	}
	else
		bm_sb_add_str(&c->msg, detail);
	s = bm_sb_str(&c->msg);
	bm_reject_elem(c, s.ptr ? s.ptr : reason, field);
}

void
bm_emit_note(bm_ctx *c, const char *kind, bm_str detail)
{
	bm_note	note;

	if (c->sink->note == NULL)
		return;
	note.provider = c->provider;
	note.kind = kind;
	note.detail = detail;
	c->sink->note(c->sink->ctx, &note);
}

const char *
bm_field_index(bm_ctx *c, const char *prefix, size_t i, const char *suffix)
{
	bm_str		s;

	bm_sb_reset(&c->field);
	bm_sb_addz(&c->field, prefix);
	bm_sb_add(&c->field, "[", 1);
	bm_sb_add_i64(&c->field, (int64_t) i);
	bm_sb_add(&c->field, "]", 1);
	if (suffix && suffix[0])
	{
		bm_sb_add(&c->field, ".", 1);
		bm_sb_addz(&c->field, suffix);
	}
	s = bm_sb_str(&c->field);
	return s.ptr ? s.ptr : prefix;
}

void
bm_api_error_text(char *buf, size_t size, const char *label, bm_str message)
{
	snprintf(buf, size, "%s%sthe payload is an API error response (\"%.*s\"), not events", label ? label : "",
			 label ? ": " : "", (int) (message.len > 120 ? 120 : message.len), message.ptr);
}

bm_payload_status
bm_shape_error(bm_ctx *c, const char *field, const char *fmt,...)
{
	va_list		ap;
	bm_payload_error *err = c->err;

	err->status = BM_PAYLOAD_SHAPE;
	err->provider = c->provider;
	snprintf(err->field, sizeof(err->field), "%s", field);
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return BM_PAYLOAD_SHAPE;
}
