/*
 * mail_text.c — the human-readable bounce report reader: recipient lines, their error paragraphs,
 * Sendmail-style transcripts, the start of the returned message.  Wording lives in mail_text.def.
 * Must not allocate per line, nor look past the returned message's header block.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "mail_text.h"

#include <string.h>
#include <strings.h>

#include "mail_header.h"
#include "mail_stage.h"

typedef struct phrase
{
	const char *text;
	size_t		len;
} phrase;

static const phrase end_markers[] = {
#define BM_TEXT_END(p) {p, sizeof(p) - 1},
#define BM_TEXT_ANCHOR(p)
#define BM_TEXT_DELAY(p)
#include "mail_text.def"
#undef BM_TEXT_END
#undef BM_TEXT_ANCHOR
#undef BM_TEXT_DELAY
};

static const phrase anchors[] = {
#define BM_TEXT_END(p)
#define BM_TEXT_ANCHOR(p) {p, sizeof(p) - 1},
#define BM_TEXT_DELAY(p)
#include "mail_text.def"
#undef BM_TEXT_END
#undef BM_TEXT_ANCHOR
#undef BM_TEXT_DELAY
};

static const phrase delays[] = {
#define BM_TEXT_END(p)
#define BM_TEXT_ANCHOR(p)
#define BM_TEXT_DELAY(p) {p, sizeof(p) - 1},
#include "mail_text.def"
#undef BM_TEXT_END
#undef BM_TEXT_ANCHOR
#undef BM_TEXT_DELAY
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static inline char
lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char) (c + 32) : c;
}

/*
 * ASCII only: in report texts an address is glued to the words around it ("kijitora@example.jp您好，",
 * "様"), so UTF-8 (EAI) addresses are not recognized in running text.
 */
static inline bool
is_local_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		(c != 0 && strchr("!#$%&'*+-/=?^_`{|}~.", c) != NULL);
}

static inline bool
is_domain_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

bool
bm_text_find_address(const char *s, size_t n, size_t from, size_t *start, size_t *end)
{
	size_t		i = from;

	while (i < n)
	{
		const char *at = memchr(s + i, '@', n - i);
		size_t		a,
					l,
					r;
		bool		dot = false,
					ok = true;

		if (at == NULL)
			return false;
		a = (size_t) (at - s);
		l = a;
		while (l > from && is_local_char((unsigned char) s[l - 1]))
			l--;
		while (l < a && s[l] == '.')
			l++;
		r = a + 1;
		while (r < n && is_domain_char((unsigned char) s[r]))
			r++;
		while (r > a + 1 && (s[r - 1] == '.' || s[r - 1] == '-'))
			r--;
		for (size_t k = a + 1; k < r; k++)
		{
			if (s[k] == '.')
			{
				dot = true;
				if (k == a + 1 || s[k - 1] == '.')
					ok = false;
			}
		}
		if (l < a && r > a + 1 && dot && ok && a - l <= 64 && r - a - 1 <= 255)
		{
			*start = l;
			*end = r;
			return true;
		}
		i = a + 1;
	}
	return false;
}

/* Does s[0..n) start with the lower-case phrase p (case-insensitively)? */
static bool
starts_with(const char *s, size_t n, const phrase *p)
{
	if (n < p->len)
		return false;
	for (size_t i = 0; i < p->len; i++)
		if (lower(s[i]) != p->text[i])
			return false;
	return true;
}

/* Offset just past the lower-case phrase p in the lower-cased low[0..n), or 0 when absent. */
static size_t
find_phrase(const char *low, size_t n, const phrase *p)
{
	const char *hit = n >= p->len ? memmem(low, n, p->text, p->len) : NULL;

	return hit ? (size_t) (hit - low) + p->len : 0;
}

/* The recipient record for the address (same address case-insensitively), added when new; NULL if full. */
static bm_text_rcpt *
rcpt_for(bm_arena *a, bm_text_report *out, int *cap, int max_rcpts, const char *addr, size_t alen, bool *oom)
{
	bm_str		s = {addr, alen};

	for (int i = 0; i < out->n; i++)
		if (out->r[i].addr.len == alen &&
			strncasecmp(out->r[i].addr.ptr, addr, alen) == 0)
			return &out->r[i];
	if (out->n >= max_rcpts)
		return NULL;
	if (out->n == *cap)
	{
		int			ncap = *cap ? *cap * 2 : 8;
		bm_text_rcpt *nr = bm_arena_alloc(a, sizeof(bm_text_rcpt) * (size_t) ncap);

		if (nr == NULL)
		{
			*oom = true;
			return NULL;
		}
		if (out->n > 0)
			memcpy(nr, out->r, sizeof(bm_text_rcpt) * (size_t) out->n);
		out->r = nr;
		*cap = ncap;
	}
	memset(&out->r[out->n], 0, sizeof(bm_text_rcpt));
	out->r[out->n].addr = s;
	out->r[out->n].err_start = BM_TEXT_NONE;
	return &out->r[out->n++];
}

/*
 * Is the trimmed line t[0..n) a recipient line?  Either it starts with an address (optionally after
 * '<', '"' or "RCPT To:"-less forms), or it contains a sentence of mail_text.def that names one.  Sets the
 * address bounds and the offset where the rest of the line (its error text) begins.
 */
static bool
recipient_line(const char *t, const char *lt, size_t n, size_t *as, size_t *ae, size_t *rest, bool *one_line)
{
	size_t		i = 0;

	bool		reply_form = false;

	*one_line = false;
	/* Sendmail V5 "554 <x@y>... Remote protocol error" */
	if (n > 6 && t[0] >= '4' && t[0] <= '5' && t[1] >= '0' && t[1] <= '9' && t[2] >= '0' && t[2] <= '9' &&
		t[3] == ' ' && t[4] == '<')
		i = 4, reply_form = true;
	while (i < n && (t[i] == '<' || t[i] == '"' || t[i] == '\''))
		i++;
	if (bm_text_find_address(t, n, i, as, ae) && *as == i)
	{
		size_t		r = *ae;

		/* not a header field or a URL: "x@y.z" must be followed by an end, '>', ':', space, ',' or '.' */
		if (reply_form && !(r + 4 <= n && memcmp(t + r, ">...", 4) == 0))
			return false;
		*one_line = reply_form; /* "554 <x>... reason": the next lines are other recipients' */
		/* Exim "  kijitora@example.com <neko@example.net>: malformed address: ..." names the failed one in <> */
		if (!reply_form && r + 2 < n && t[r] == ' ' && t[r + 1] == '<')
		{
			size_t		as2,
						ae2;

			if (bm_text_find_address(t, n, r + 2, &as2, &ae2) && as2 == r + 2 && ae2 + 1 < n &&
				t[ae2] == '>' && t[ae2 + 1] == ':')
			{
				*as = as2;
				*ae = ae2;
				r = ae2;
			}
		}
		if (r < n && !(t[r] == '>' || t[r] == ':' || t[r] == ' ' || t[r] == '\t' || t[r] == ',' ||
					   t[r] == '.' || t[r] == '"' || t[r] == '\'' || t[r] == ';' || t[r] == ')'))
			return false;
		while (r < n && (t[r] == '>' || t[r] == '"' || t[r] == '\'' || t[r] == ':' || t[r] == ' ' ||
						 t[r] == '\t' || t[r] == ',' || t[r] == '.'))
			r++;
		*rest = r;
		return true;
	}
	if (memchr(t, '@', n) == NULL)
		return false;
	for (size_t k = 0; k < NELEM(anchors); k++)
	{
		size_t		after = find_phrase(lt, n, &anchors[k]);

		if (after > 0 && bm_text_find_address(t, n, after, as, ae) && *as <= after + 4)
		{
			size_t		r = *ae;

			while (r < n && (t[r] == '>' || t[r] == '"' || t[r] == '\'' || t[r] == ':' || t[r] == ' ' ||
							 t[r] == '\t' || t[r] == ',' || t[r] == '.'))
				r++;
			*rest = r;
			return true;
		}
	}
	return false;
}

/* Is the trimmed line a reply code line ("550 ...", "550-...", "4.4.1 ...")? */
static bool
is_reply_line(const char *t, size_t n)
{
	return n >= 4 && (t[0] == '4' || t[0] == '5') && t[1] >= '0' && t[1] <= '9' && t[2] >= '0' &&
		t[2] <= '9' && (t[3] == ' ' || t[3] == '-');
}

/* Narrows text[0..n) to its lines without the white space around them. */
static void
trim_lines(const char **s, size_t *n)
{
	bm_str		t = bm_str_trim((bm_str) {*s, *n});

	*s = t.ptr;
	*n = t.len;
}

/* Is text[0..n) a list title: one line ending with ':' ("The following address(es) failed:")? */
static bool
is_list_title(const char *s, size_t n)
{
	trim_lines(&s, &n);
	return n > 0 && s[n - 1] == ':' && memchr(s, '\n', n) == NULL;
}

/*
 * Are the lines text[0..n) an error sentence rather than a section title ("----- The following addresses
 * had permanent fatal errors -----", "Delivery has failed to these recipients:")?
 */
static bool
is_error_sentence(const char *s, size_t n)
{
	trim_lines(&s, &n);
	if (n == 0 || s[0] == '-' || s[0] == '=' || s[0] == '*' || s[0] == '#' || s[n - 1] == '-')
		return false;
	return !is_list_title(s, n);	/* a list title introduces a list */
}

/*
 * Is the text a quoted (forwarded) report: most of its first non-blank lines, after the first that is
 * quoted, start with '>'?
 */
static bool
quoted_text(const char *text, size_t len)
{
	size_t		p = 0;
	int			lines = 0,
				quoted = 0;

	while (p < len && lines < 40)
	{
		size_t		e = p;

		while (e < len && text[e] != '\n' && text[e] != '\r')
			e++;
		if (e > p && (quoted > 0 || text[p] == '>'))
		{
			lines++;
			if (text[p] == '>' && !(e - p > 3 && memcmp(text + p, ">>> ", 4) == 0))
				quoted++;
		}
		p = e < len ? e + 1 : len;
	}
	return lines >= 5 && quoted * 10 >= lines * 8;
}

bool
bm_text_scan(bm_arena *a, const char *text, size_t len, int max_rcpts, bm_text_report *out)
{
	size_t		p = 0;
	int			cap = 0;
	bool		oom = false;
	bm_text_rcpt *cur = NULL;	/* the recipient whose error text is being read */
	bool		follow = false; /* cur was named alone: its error text is in the next paragraphs */
	int			follow_lines = 0;
	bm_smtp_command last_cmd = BM_SMTP_NONE;	/* transcript state */
	bool		greeting = false;	/* "while talking to x:" and no ">>> " command sent since */
	bool		any_command = false;	/* the transcript shows a command sent */
	bool		greeting_refused = false;	/* a 5xx reply read before any command */
	size_t		rcpt_as = 0,
				rcpt_ae = 0;	/* the address of the last ">>> RCPT To:<x>" */
	size_t		para_start = 0;
	size_t		cur_para = 0;	/* where the paragraph of cur starts (or the line after the previous anchor) */
	size_t		last_anchor_end = 0;
	size_t		prev_para = 0,
				prev_para_end = 0;	/* the last paragraph before the current one */
	size_t		prev2_para = 0,
				prev2_para_end = 0; /* and the one before it */
	size_t		prev_anchor_end = 0;
	bm_str	   *last_reply = NULL;	/* a transcript reply that announced more lines ("550-...") */
	bm_str		pending = {NULL, 0};	/* the transcript reply of the line just before, owned by no recipient */
	bm_smtp_command pending_cmd = BM_SMTP_NONE;	/* the command it answered */
	bm_str		pending_store = {NULL, 0};	/* a multi-line one's growing copy */
	bm_str		prev_reply;
	bool		quoted;
	char	   *low;

	quoted = quoted_text(text, len);
	memset(out, 0, sizeof(*out));
	/* an ASCII-lower-cased copy, same offsets, for the phrase searches */
	low = bm_arena_alloc(a, len + 1);
	if (low == NULL)
		return false;
	for (size_t i = 0; i < len; i++)
		low[i] = lower(text[i]);
	low[len] = '\0';
	out->report_end = len;
	out->original_header = BM_TEXT_NONE;
	out->dsn_fields = BM_TEXT_NONE;
	while (p < len)
	{
		size_t		e = p,
					next;
		const char *t;
		size_t		tn;
		size_t		as,
					ae,
					rest;
		bool		blank,
					one_line;

		while (e < len && text[e] != '\n' && text[e] != '\r')
			e++;
		next = e;
		if (next < len && text[next] == '\r')
			next++;
		if (next < len && text[next] == '\n')
			next++;
		t = text + p;
		tn = e - p;
		if (quoted && tn > 0 && *t == '>')
		{
			/* a forwarded bounce quoted with "> ": one level off (">>>> DATA" is "> " + ">>> DATA") */
			t++, tn--;
			if (tn > 0 && *t == ' ' && !(tn > 3 && memcmp(t + 1, ">>>", 3) == 0))
				t++, tn--;
		}
		while (tn > 0 && (*t == ' ' || *t == '\t'))
			t++, tn--;
		while (tn > 0 && (t[tn - 1] == ' ' || t[tn - 1] == '\t'))
			tn--;
		blank = tn == 0;
		/* a reply owned by no recipient is offered to the Sendmail V5 summary lines right after it only */
		prev_reply = pending;
		pending = (bm_str) {NULL, 0};

		if (!blank)
		{
			bool		ended = false;

			for (size_t k = 0; k < NELEM(end_markers); k++)
				if (starts_with(t, tn, &end_markers[k]))
				{
					ended = true;
					break;
				}
			if (ended)
			{
				size_t		h = next;

				out->report_end = p;
				while (h < len && (text[h] == '\n' || text[h] == '\r' || text[h] == ' ' || text[h] == '\t'))
					h++;
				if (h < len)
					out->original_header = h;
				break;
			}
		}
		if (blank)
		{
			if (p > para_start)
			{
				prev2_para = prev_para;
				prev2_para_end = prev_para_end;
				prev_para = para_start;	/* the paragraph that just ended */
				prev_para_end = p;
			}
			para_start = next;
			if (cur != NULL && !follow)
			{
				if (cur->err_start == BM_TEXT_NONE || cur->err_end <= cur->err_start)
					follow = true, follow_lines = 0;
				else
					cur = NULL;
			}
			p = next;
			continue;
		}

		if (!(tn > 4 && memcmp(t, "<<< ", 4) == 0))
			last_reply = NULL;

		/* DSN fields written into the text */
		if (out->dsn_fields == BM_TEXT_NONE &&
			(bm_str_iprefix((bm_str) {t, tn}, "final-recipient:") ||
			 bm_str_iprefix((bm_str) {t, tn}, "original-recipient:")))
			out->dsn_fields = para_start;

		/* a transcript: ">>> COMMAND" lines and "<<< reply" lines */
		if (tn > 4 && memcmp(t, ">>> ", 4) == 0)
		{
			bm_smtp_command c = bm_stage_command_word(t + 4, tn - 4);

			greeting = false;
			any_command = true;
			if (c != BM_SMTP_NONE)
				last_cmd = c;
			if (c == BM_SMTP_RCPT && bm_text_find_address(t, tn, 4, &as, &ae))
				rcpt_as = (size_t) (t - text) + as, rcpt_ae = (size_t) (t - text) + ae;
			else if (c == BM_SMTP_RCPT)
				rcpt_as = rcpt_ae = 0;
			p = next;
			continue;
		}
		if (tn > 4 && memcmp(t, "<<< ", 4) == 0)
		{
			if (last_reply != NULL && is_reply_line(t + 4, tn - 4) &&
				memcmp(t + 4, last_reply->ptr, 3) == 0)
			{
				/* "<<< 550-5.7.1 ..." then "<<< 550 5.7.1 ...": one multi-line reply */
				last_reply->len = (size_t) (t + tn - last_reply->ptr);
				if (prev_reply.ptr == last_reply->ptr)
					pending = *last_reply;
				if (t[7] != '-')
					last_reply = NULL;
				p = next;
				continue;
			}
			last_reply = NULL;
			if (is_reply_line(t + 4, tn - 4))
			{
				bm_text_rcpt *r = NULL;

				/* an address in a reply to MAIL FROM / HELO is the sender's or the host's, in the greeting
				 * (Sendmail "... while talking to x.:" then "<<< 554 ..." with no ">>> " line: the reply to
				 * the connection) a contact's: the error then concerns every recipient (report level) */
				if (greeting && t[4] == '5')
					greeting_refused = true;
				if (!greeting &&
					(last_cmd == BM_SMTP_RCPT || last_cmd == BM_SMTP_DATA || last_cmd == BM_SMTP_NONE) &&
					bm_text_find_address(t, tn, 4, &as, &ae))
					r = rcpt_for(a, out, &cap, max_rcpts, t + as, ae - as, &oom);
				else if (last_cmd == BM_SMTP_RCPT && rcpt_ae > rcpt_as)
					r = rcpt_for(a, out, &cap, max_rcpts, text + rcpt_as, rcpt_ae - rcpt_as, &oom);
				/*
				 * a reply inside the block of the recipient named just above it, with no blank line
				 * between (au "Recipient: <x>" / ">>> MAIL FROM:<y>" / "<<< 550 ..."), is that recipient's
				 * whatever the command: the report lists each recipient with its conversation
				 */
				else if (cur != NULL && !follow && cur->reply.len == 0 && !greeting)
					r = cur;
				if (r != NULL)
				{
					r->command = last_cmd;
					r->reply = (bm_str) {t + 4, tn - 4};
					if (t[7] == '-')
						last_reply = &r->reply;
				}
				else if (!oom)
				{
					pending = pending_store = (bm_str) {t + 4, tn - 4};
					pending_cmd = last_cmd;
					if (t[7] == '-')
						last_reply = &pending_store;
					if (out->reply.ptr == NULL)
					{
						out->command = last_cmd;
						out->reply = pending;
						if (t[7] == '-')
							last_reply = &out->reply;
					}
				}
				if (oom)
					return false;
			}
			cur = NULL;
			p = next;
			continue;
		}
		{
			size_t		w = find_phrase(low + (t - text), tn, &(phrase) {"while talking to ", 17});

			if (w > 0)
			{
				size_t		we = w;

				while (we < tn && t[we] != ' ' && t[we] != ':' && t[we] != '\t')
					we++;
				while (we > w && t[we - 1] == '.')
					we--;
				if (we > w)
					out->remote_mta = (bm_str) {t + w, we - w};
				last_cmd = BM_SMTP_NONE;
				greeting = true;
				cur = NULL;
				p = next;
				continue;
			}
		}

		if (recipient_line(t, low + (t - text), tn, &as, &ae, &rest, &one_line))
		{
			bm_text_rcpt *r = rcpt_for(a, out, &cap, max_rcpts, t + as, ae - as, &oom);

			if (oom)
				return false;
			if (r != NULL && r == cur)
			{
				/* the same recipient named again inside its paragraph ("after RCPT TO:<x>:") */
				cur->err_end = e;
				p = next;
				continue;
			}
			if (r != NULL && one_line && prev_reply.ptr != NULL && r->reply.len == 0 &&
				r->err_start == BM_TEXT_NONE)
			{
				/*
				 * Sendmail V5 writes its own line for each recipient right after the server's reply of
				 * that conversation ("<<< 501 <y>... no access from mail server [ip] which is an open
				 * relay." / "554 <x>... Remote protocol error"): that reply is the recipient's, and so is
				 * the next summary line's when it follows at once (every recipient of the refused MAIL
				 * FROM); its error text is the reply and the summary.
				 */
				r->reply = prev_reply;
				r->command = pending_cmd;
				r->line_start = p;
				r->err_start = (size_t) (prev_reply.ptr - text);
				r->err_end = e;
				pending = prev_reply;
				cur = NULL;
				p = next;
				continue;
			}
			cur = r;
			follow = false;
			cur_para = para_start > last_anchor_end ? para_start : last_anchor_end;
			prev_anchor_end = last_anchor_end;
			last_anchor_end = next;
			if (r != NULL && r->err_start == BM_TEXT_NONE)
			{
				/* named after a sentence ("User not listed in public Name & Address Book\nx@y", Lotus
				 * Notes; "The user(s) account is disabled.\n<x@y>", au): that sentence is its error
				 * unless the lines after it give one */
				if (p > cur_para && is_error_sentence(text + cur_para, p - cur_para))
				{
					r->pre_start = cur_para;
					r->pre_end = p;
				}
				else if (p == cur_para && prev_para_end > prev_para && prev_para >= prev_anchor_end &&
						 is_error_sentence(text + prev_para, prev_para_end - prev_para))
				{
					/* or the paragraph before, when it names no recipient itself */
					r->pre_start = prev_para;
					r->pre_end = prev_para_end;
				}
				else
				{
					/*
					 * or, when a list title introduces it ("The following recipients did not receive this
					 * message:", in its paragraph or the one before), the paragraph above the title: au
					 * "Your message was not delivered within 0 days and 1 hours.\nRemote host is not
					 * responding.\n\nThe following recipients did not receive this message:\n\n<x>"
					 */
					size_t		ts = p > cur_para ? cur_para : prev_para,
								te = p > cur_para ? p : prev_para_end,
								bs = p > cur_para ? prev_para : prev2_para,
								be = p > cur_para ? prev_para_end : prev2_para_end;

					if (te > ts && is_list_title(text + ts, te - ts) && be > bs && be <= ts &&
						bs >= prev_anchor_end && is_error_sentence(text + bs, be - bs))
					{
						r->pre_start = bs;
						r->pre_end = be;
					}
				}
				r->line_start = p;
				r->err_start = (size_t) (t - text) + rest;
				r->err_end = (size_t) (t - text) + tn;
				if (r->err_end < r->err_start)
					r->err_end = r->err_start;
			}
			else
				cur = NULL;		/* named again: keep the first paragraph */
			if (one_line)
				cur = NULL;
			p = next;
			continue;
		}
		if (cur != NULL)
		{
			if (cur->err_start == BM_TEXT_NONE || cur->err_end <= cur->err_start)
				cur->err_start = p;
			cur->err_end = e;
			if (follow && ++follow_lines >= BM_TEXT_FOLLOW_LINES)
				cur = NULL;
		}
		p = next;
	}

	for (int i = 0; i < out->n; i++)
		if ((out->r[i].err_start == BM_TEXT_NONE || out->r[i].err_end <= out->r[i].err_start) &&
			out->r[i].reply.len == 0 && out->r[i].pre_end > out->r[i].pre_start)
		{
			out->r[i].err_start = out->r[i].pre_start;
			out->r[i].err_end = out->r[i].pre_end;
		}

	/*
	 * Every conversation of the transcript ended at the server's greeting with a 5xx ("... while talking to
	 * mx.:" / "<<< 554 ..." and no ">>> " line: Sendmail logs each command it sends, so none was sent).  A
	 * 554 greeting is RFC 5321's refusal of the client (section 3.1), so the error answered the connection.
	 * A 4xx greeting ("<<< 421", "<<< 450 busy") only says the service is unavailable for now and keeps no
	 * stage: the stage rule would read it as a block of the sending host.
	 */
	if (greeting_refused && !any_command && out->command == BM_SMTP_NONE)
		out->command = BM_SMTP_CONNECT;

	/* a delay warning? */
	for (size_t k = 0; k < NELEM(delays) && !out->delayed; k++)
		if (find_phrase(low, out->report_end, &delays[k]) > 0)
			out->delayed = true;
	return true;
}
