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

/* What bm_text_scan carries from one line to the next. */
typedef struct text_scan
{
	bm_arena   *a;
	const char *text;
	const char *low;			/* text ASCII-lower-cased, same offsets, for the phrase searches */
	size_t		len;
	int			max_rcpts;
	int			cap;			/* room in out->r */
	bool		oom;
	bm_text_report *out;

	/* the recipient whose error text is being read */
	bm_text_rcpt *cur;
	bool		follow;			/* cur was named alone: its error text is in the next paragraphs */
	int			follow_lines;

	/* the SMTP transcript (">>> COMMAND" / "<<< reply" lines) */
	bm_smtp_command last_cmd;
	bool		greeting;		/* "while talking to x:" and no ">>> " command sent since */
	bool		any_command;	/* the transcript shows a command sent */
	bool		greeting_refused;	/* a 5xx reply read before any command */
	size_t		rcpt_as,
				rcpt_ae;		/* the address of the last ">>> RCPT To:<x>" */
	bm_str	   *last_reply;		/* a transcript reply that announced more lines ("550-...") */
	bm_str		pending;		/* the transcript reply of the line just before, owned by no recipient */
	bm_smtp_command pending_cmd;	/* the command it answered */
	bm_str		pending_store;	/* a multi-line one's growing copy */
	bm_str		prev_reply;		/* pending as it was before this line */

	/* paragraphs */
	size_t		para_start;
	size_t		cur_para;		/* where the paragraph of cur starts (or the line after the previous anchor) */
	size_t		last_anchor_end;
	size_t		prev_anchor_end;
	size_t		prev_para,
				prev_para_end;	/* the last paragraph before the current one */
	size_t		prev2_para,
				prev2_para_end; /* and the one before it */
} text_scan;

/* One line: where it starts and ends, and its content without quoting and surrounding blanks. */
typedef struct text_line
{
	size_t		p;				/* start */
	size_t		e;				/* end, before the line break */
	size_t		next;			/* start of the next line */
	const char *t;				/* content */
	size_t		tn;
} text_line;

static void
read_line(const text_scan *s, bool quoted, size_t p, text_line *l)
{
	const char *text = s->text;
	size_t		e = p;

	while (e < s->len && text[e] != '\n' && text[e] != '\r')
		e++;
	l->p = p;
	l->e = e;
	l->next = e;
	if (l->next < s->len && text[l->next] == '\r')
		l->next++;
	if (l->next < s->len && text[l->next] == '\n')
		l->next++;
	l->t = text + p;
	l->tn = e - p;
	if (quoted && l->tn > 0 && *l->t == '>')
	{
		/* a forwarded bounce quoted with "> ": one level off (">>>> DATA" is "> " + ">>> DATA") */
		l->t++, l->tn--;
		if (l->tn > 0 && *l->t == ' ' && !(l->tn > 3 && memcmp(l->t + 1, ">>>", 3) == 0))
			l->t++, l->tn--;
	}
	while (l->tn > 0 && (*l->t == ' ' || *l->t == '\t'))
		l->t++, l->tn--;
	while (l->tn > 0 && (l->t[l->tn - 1] == ' ' || l->t[l->tn - 1] == '\t'))
		l->tn--;
}

/* A line that ends the report ("------ This is a copy of the message" ...): the original's header follows. */
static bool
end_of_report(text_scan *s, const text_line *l)
{
	size_t		h = l->next;

	for (size_t k = 0; k < NELEM(end_markers); k++)
		if (starts_with(l->t, l->tn, &end_markers[k]))
		{
			s->out->report_end = l->p;
			while (h < s->len && (s->text[h] == '\n' || s->text[h] == '\r' || s->text[h] == ' ' ||
								  s->text[h] == '\t'))
				h++;
			if (h < s->len)
				s->out->original_header = h;
			return true;
		}
	return false;
}

/* A blank line ends a paragraph; a recipient named alone takes its error text from the next ones. */
static void
on_blank(text_scan *s, const text_line *l)
{
	if (l->p > s->para_start)
	{
		s->prev2_para = s->prev_para;
		s->prev2_para_end = s->prev_para_end;
		s->prev_para = s->para_start;	/* the paragraph that just ended */
		s->prev_para_end = l->p;
	}
	s->para_start = l->next;
	if (s->cur != NULL && !s->follow)
	{
		if (s->cur->err_start == BM_TEXT_NONE || s->cur->err_end <= s->cur->err_start)
			s->follow = true, s->follow_lines = 0;
		else
			s->cur = NULL;
	}
}

/* ">>> COMMAND": the command the next reply answers; RCPT's address. */
static void
on_command(text_scan *s, const text_line *l)
{
	bm_smtp_command c = bm_stage_command_word(l->t + 4, l->tn - 4);
	size_t		as,
				ae;

	s->greeting = false;
	s->any_command = true;
	if (c != BM_SMTP_NONE)
		s->last_cmd = c;
	if (c == BM_SMTP_RCPT && bm_text_find_address(l->t, l->tn, 4, &as, &ae))
		s->rcpt_as = (size_t) (l->t - s->text) + as, s->rcpt_ae = (size_t) (l->t - s->text) + ae;
	else if (c == BM_SMTP_RCPT)
		s->rcpt_as = s->rcpt_ae = 0;
}

/*
 * A transcript reply "<<< 550 ...": the recipient's whose conversation it ends, else the report's (and
 * pending, for the Sendmail V5 summary line that may follow).
 */
static void
take_reply(text_scan *s, const text_line *l)
{
	const char *t = l->t;
	size_t		tn = l->tn;
	bm_text_rcpt *r = NULL;
	size_t		as,
				ae;

	/* an address in a reply to MAIL FROM / HELO is the sender's or the host's, in the greeting (Sendmail
	 * "... while talking to x.:" then "<<< 554 ..." with no ">>> " line: the reply to the connection) a
	 * contact's: the error then concerns every recipient (report level) */
	if (s->greeting && t[4] == '5')
		s->greeting_refused = true;
	if (!s->greeting &&
		(s->last_cmd == BM_SMTP_RCPT || s->last_cmd == BM_SMTP_DATA || s->last_cmd == BM_SMTP_NONE) &&
		bm_text_find_address(t, tn, 4, &as, &ae))
		r = rcpt_for(s->a, s->out, &s->cap, s->max_rcpts, t + as, ae - as, &s->oom);
	else if (s->last_cmd == BM_SMTP_RCPT && s->rcpt_ae > s->rcpt_as)
		r = rcpt_for(s->a, s->out, &s->cap, s->max_rcpts, s->text + s->rcpt_as, s->rcpt_ae - s->rcpt_as,
					 &s->oom);
	/*
	 * a reply inside the block of the recipient named just above it, with no blank line between (au
	 * "Recipient: <x>" / ">>> MAIL FROM:<y>" / "<<< 550 ..."), is that recipient's whatever the command:
	 * the report lists each recipient with its conversation
	 */
	else if (s->cur != NULL && !s->follow && s->cur->reply.len == 0 && !s->greeting)
		r = s->cur;
	if (r != NULL)
	{
		r->command = s->last_cmd;
		r->reply = (bm_str) {t + 4, tn - 4};
		if (t[7] == '-')
			s->last_reply = &r->reply;
	}
	else if (!s->oom)
	{
		s->pending = s->pending_store = (bm_str) {t + 4, tn - 4};
		s->pending_cmd = s->last_cmd;
		if (t[7] == '-')
			s->last_reply = &s->pending_store;
		if (s->out->reply.ptr == NULL)
		{
			s->out->command = s->last_cmd;
			s->out->reply = s->pending;
			if (t[7] == '-')
				s->last_reply = &s->out->reply;
		}
	}
}

/* A "<<< " line: a reply, or the next line of a multi-line one.  It ends the block of the recipient above. */
static void
on_reply(text_scan *s, const text_line *l)
{
	const char *t = l->t;
	size_t		tn = l->tn;

	if (s->last_reply != NULL && is_reply_line(t + 4, tn - 4) && memcmp(t + 4, s->last_reply->ptr, 3) == 0)
	{
		/* "<<< 550-5.7.1 ..." then "<<< 550 5.7.1 ...": one multi-line reply */
		s->last_reply->len = (size_t) (t + tn - s->last_reply->ptr);
		if (s->prev_reply.ptr == s->last_reply->ptr)
			s->pending = *s->last_reply;
		if (t[7] != '-')
			s->last_reply = NULL;
		return;
	}
	s->last_reply = NULL;
	if (is_reply_line(t + 4, tn - 4))
		take_reply(s, l);
	s->cur = NULL;
}

/* "... while talking to mx.example.com.:": the remote MTA; a new conversation starts at its greeting. */
static bool
on_greeting(text_scan *s, const text_line *l)
{
	size_t		w = find_phrase(s->low + (l->t - s->text), l->tn, &(phrase) {"while talking to ", 17});
	size_t		we = w;

	if (w == 0)
		return false;
	while (we < l->tn && l->t[we] != ' ' && l->t[we] != ':' && l->t[we] != '\t')
		we++;
	while (we > w && l->t[we - 1] == '.')
		we--;
	if (we > w)
		s->out->remote_mta = (bm_str) {l->t + w, we - w};
	s->last_cmd = BM_SMTP_NONE;
	s->greeting = true;
	s->cur = NULL;
	return true;
}

/*
 * The sentence a recipient is named after, as its error when the lines after it give none: in its own
 * paragraph ("User not listed in public Name & Address Book\nx@y", Lotus Notes; "The user(s) account is
 * disabled.\n<x@y>", au), or the paragraph before when that names no recipient itself, or, when a list
 * title introduces the recipient ("The following recipients did not receive this message:", in its
 * paragraph or the one before), the paragraph above the title: au "Your message was not delivered within 0
 * days and 1 hours.\nRemote host is not responding.\n\nThe following recipients did not receive this
 * message:\n\n<x>".
 */
static void
error_sentence_before(const text_scan *s, bm_text_rcpt *r, size_t p)
{
	const char *text = s->text;
	size_t		ts,
				te,
				bs,
				be;

	if (p > s->cur_para && is_error_sentence(text + s->cur_para, p - s->cur_para))
	{
		r->pre_start = s->cur_para;
		r->pre_end = p;
		return;
	}
	if (p == s->cur_para && s->prev_para_end > s->prev_para && s->prev_para >= s->prev_anchor_end &&
		is_error_sentence(text + s->prev_para, s->prev_para_end - s->prev_para))
	{
		r->pre_start = s->prev_para;
		r->pre_end = s->prev_para_end;
		return;
	}
	ts = p > s->cur_para ? s->cur_para : s->prev_para;
	te = p > s->cur_para ? p : s->prev_para_end;
	bs = p > s->cur_para ? s->prev_para : s->prev2_para;
	be = p > s->cur_para ? s->prev_para_end : s->prev2_para_end;
	if (te > ts && is_list_title(text + ts, te - ts) && be > bs && be <= ts && bs >= s->prev_anchor_end &&
		is_error_sentence(text + bs, be - bs))
	{
		r->pre_start = bs;
		r->pre_end = be;
	}
}

/*
 * A line naming a recipient ("<x@y>: host said: 550 ...", "x@y", "Recipient: <x>" ...): its error text
 * starts after the address and may go on in the next lines.  False when the line names none.
 */
static bool
on_recipient(text_scan *s, const text_line *l)
{
	const char *text = s->text;
	size_t		as,
				ae,
				rest;
	bool		one_line;
	bm_text_rcpt *r;

	if (!recipient_line(l->t, s->low + (l->t - text), l->tn, &as, &ae, &rest, &one_line))
		return false;
	r = rcpt_for(s->a, s->out, &s->cap, s->max_rcpts, l->t + as, ae - as, &s->oom);
	if (s->oom)
		return true;
	if (r != NULL && r == s->cur)
	{
		/* the same recipient named again inside its paragraph ("after RCPT TO:<x>:") */
		s->cur->err_end = l->e;
		return true;
	}
	if (r != NULL && one_line && s->prev_reply.ptr != NULL && r->reply.len == 0 && r->err_start == BM_TEXT_NONE)
	{
		/*
		 * Sendmail V5 writes its own line for each recipient right after the server's reply of that
		 * conversation ("<<< 501 <y>... no access from mail server [ip] which is an open relay." / "554
		 * <x>... Remote protocol error"): that reply is the recipient's, and so is the next summary line's
		 * when it follows at once (every recipient of the refused MAIL FROM); its error text is the reply
		 * and the summary.
		 */
		r->reply = s->prev_reply;
		r->command = s->pending_cmd;
		r->line_start = l->p;
		r->err_start = (size_t) (s->prev_reply.ptr - text);
		r->err_end = l->e;
		s->pending = s->prev_reply;
		s->cur = NULL;
		return true;
	}
	s->cur = r;
	s->follow = false;
	s->cur_para = s->para_start > s->last_anchor_end ? s->para_start : s->last_anchor_end;
	s->prev_anchor_end = s->last_anchor_end;
	s->last_anchor_end = l->next;
	if (r != NULL && r->err_start == BM_TEXT_NONE)
	{
		error_sentence_before(s, r, l->p);
		r->line_start = l->p;
		r->err_start = (size_t) (l->t - text) + rest;
		r->err_end = (size_t) (l->t - text) + l->tn;
		if (r->err_end < r->err_start)
			r->err_end = r->err_start;
	}
	else
		s->cur = NULL;			/* named again: keep the first paragraph */
	if (one_line)
		s->cur = NULL;
	return true;
}

/* Any other line: more error text of the recipient being read, if any. */
static void
on_text(text_scan *s, const text_line *l)
{
	bm_text_rcpt *cur = s->cur;

	if (cur == NULL)
		return;
	if (cur->err_start == BM_TEXT_NONE || cur->err_end <= cur->err_start)
		cur->err_start = l->p;
	cur->err_end = l->e;
	if (s->follow && ++s->follow_lines >= BM_TEXT_FOLLOW_LINES)
		s->cur = NULL;
}

/* After the last line: defaults from the sentences before the addresses, the greeting, a delay warning. */
static void
finish_report(const text_scan *s)
{
	bm_text_report *out = s->out;

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
	if (s->greeting_refused && !s->any_command && out->command == BM_SMTP_NONE)
		out->command = BM_SMTP_CONNECT;

	for (size_t k = 0; k < NELEM(delays) && !out->delayed; k++)
		if (find_phrase(s->low, out->report_end, &delays[k]) > 0)
			out->delayed = true;
}

bool
bm_text_scan(bm_arena *a, const char *text, size_t len, int max_rcpts, bm_text_report *out)
{
	text_scan	s;
	text_line	l;
	bool		quoted = quoted_text(text, len);
	char	   *low;

	memset(out, 0, sizeof(*out));
	low = bm_arena_alloc(a, len + 1);
	if (low == NULL)
		return false;
	for (size_t i = 0; i < len; i++)
		low[i] = lower(text[i]);
	low[len] = '\0';
	out->report_end = len;
	out->original_header = BM_TEXT_NONE;
	out->dsn_fields = BM_TEXT_NONE;

	memset(&s, 0, sizeof(s));
	s.a = a;
	s.text = text;
	s.low = low;
	s.len = len;
	s.max_rcpts = max_rcpts;
	s.out = out;
	s.last_cmd = BM_SMTP_NONE;
	s.pending_cmd = BM_SMTP_NONE;

	for (size_t p = 0; p < len; p = l.next)
	{
		read_line(&s, quoted, p, &l);
		/* a reply owned by no recipient is offered to the Sendmail V5 summary lines right after it only */
		s.prev_reply = s.pending;
		s.pending = (bm_str) {NULL, 0};

		if (l.tn == 0)
		{
			on_blank(&s, &l);
			continue;
		}
		if (end_of_report(&s, &l))
			break;
		if (!(l.tn > 4 && memcmp(l.t, "<<< ", 4) == 0))
			s.last_reply = NULL;
		/* DSN fields written into the text */
		if (out->dsn_fields == BM_TEXT_NONE &&
			(bm_str_iprefix((bm_str) {l.t, l.tn}, "final-recipient:") ||
			 bm_str_iprefix((bm_str) {l.t, l.tn}, "original-recipient:")))
			out->dsn_fields = s.para_start;

		if (l.tn > 4 && memcmp(l.t, ">>> ", 4) == 0)
			on_command(&s, &l);
		else if (l.tn > 4 && memcmp(l.t, "<<< ", 4) == 0)
			on_reply(&s, &l);
		else if (!on_greeting(&s, &l) && !on_recipient(&s, &l))
			on_text(&s, &l);
		if (s.oom)
			return false;
	}
	finish_report(&s);
	return true;
}
