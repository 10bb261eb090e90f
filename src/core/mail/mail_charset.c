/*
 * mail_charset.c — charset conversion to UTF-8 for the bounce-mail parser: alias mapping, cached glibc
 * iconv descriptors, U+FFFD for what does not convert.  Must not write past outcap nor emit bad UTF-8.
 */
#include "mail_charset.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>

static const char replacement[3] = {(char) 0xef, (char) 0xbf, (char) 0xbd};	/* U+FFFD */

/*
 * Labels mail really carries mapped to the iconv name that decodes them best: the Microsoft supersets
 * for the Japanese, Korean and Chinese labels (CP932 for Shift_JIS: carriers and Outlook write NEC/IBM
 * extension characters under the plain label), windows-1252 for ISO-8859-1 (as browsers do).
 */
static const struct
{
	const char *label;
	const char *iconv_name;
}			aliases[] = {
	{"shift_jis", "CP932"}, {"shift-jis", "CP932"}, {"sjis", "CP932"}, {"x-sjis", "CP932"},
	{"windows-31j", "CP932"}, {"cp932", "CP932"}, {"ms_kanji", "CP932"},
	{"euc-jp", "EUC-JP-MS"}, {"x-euc-jp", "EUC-JP-MS"}, {"eucjp", "EUC-JP-MS"},
	{"iso-2022-jp", "ISO-2022-JP-3"},
	{"ks_c_5601-1987", "CP949"}, {"euc-kr", "CP949"},
	{"gb2312", "GBK"}, {"gbk", "GBK"}, {"x-gbk", "GBK"}, {"gb18030", "GB18030"},
	{"iso-8859-1", "WINDOWS-1252"}, {"latin1", "WINDOWS-1252"}, {"us-ascii", "UTF-8"}, {"ascii", "UTF-8"},
	{"utf8", "UTF-8"}, {"utf-8", "UTF-8"}, {"unicode-1-1-utf-7", "UTF-7"}, {"ansi_x3.4-1968", "UTF-8"},
};

size_t
bm_utf8_seq_len(const unsigned char *p, size_t avail)
{
	unsigned char c;
	size_t		k;

	if (avail == 0)
		return 0;
	c = p[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		k = 2;
	else if (c >= 0xe0 && c <= 0xef)
		k = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		k = 4;
	else
		return 0;
	if (avail < k)
		return 0;
	for (size_t j = 1; j < k; j++)
		if ((p[j] & 0xc0) != 0x80)
			return 0;
	if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f) ||
		(c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] > 0x8f))
		return 0;
	return k;
}

bool
bm_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *) s;
	size_t		i = 0;

	while (i < len)
	{
		size_t		k;

		if (p[i] < 0x80)
		{
			i++;
			continue;
		}
		k = bm_utf8_seq_len(p + i, len - i);
		if (k == 0)
			return false;
		i += k;
	}
	return true;
}

size_t
bm_utf8_sanitize(const char *in, size_t len, char *out, size_t outcap, bool *truncated)
{
	const unsigned char *p = (const unsigned char *) in;
	size_t		i = 0,
				o = 0;

	while (i < len)
	{
		size_t		k = p[i] < 0x80 ? (p[i] != 0) : bm_utf8_seq_len(p + i, len - i);
		const char *src = k ? in + i : replacement;
		size_t		n = k ? k : sizeof(replacement);

		if (o + n > outcap)
		{
			if (truncated)
				*truncated = true;
			break;
		}
		memcpy(out + o, src, n);
		o += n;
		i += k ? k : 1;
	}
	return o;
}

/* Lower-cased, alias-mapped iconv name of a charset label into buf; false when it cannot be a charset. */
static bool
iconv_name(const char *cs, size_t cslen, char *buf)
{
	char		low[BM_CHARSET_NAME_MAX + 1];

	while (cslen > 0 && (*cs == ' ' || *cs == '\t' || *cs == '"'))
		cs++, cslen--;
	while (cslen > 0 && (cs[cslen - 1] == ' ' || cs[cslen - 1] == '\t' || cs[cslen - 1] == '"'))
		cslen--;
	if (cslen == 0 || cslen > BM_CHARSET_NAME_MAX)
		return false;
	for (size_t i = 0; i < cslen; i++)
	{
		char		c = cs[i];

		if (c >= 'A' && c <= 'Z')
			c = (char) (c + 32);
		else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
				   c == ':'))
			return false;		/* nothing else occurs in IANA charset names: never hand iconv oddities */
		low[i] = c;
	}
	low[cslen] = '\0';
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(low, aliases[i].label) == 0)
		{
			strcpy(buf, aliases[i].iconv_name);
			return true;
		}
	memcpy(buf, low, cslen + 1);
	return true;
}

/* The cached descriptor for an iconv name (opened on first use); NULL when iconv does not know it. */
static iconv_t
lookup(bm_charset_cache *cc, const char *name)
{
	int			slot = -1;
	iconv_t		cd;

	cc->tick++;
	for (int i = 0; i < cc->n; i++)
		if (strcmp(cc->e[i].name, name) == 0)
		{
			cc->e[i].used = cc->tick;
			if (cc->e[i].cd != NULL)
				iconv((iconv_t) cc->e[i].cd, NULL, NULL, NULL, NULL);	/* back to the initial shift state */
			return (iconv_t) cc->e[i].cd;
		}
	if (cc->n < BM_CHARSET_CACHE_SIZE)
		slot = cc->n++;
	else
	{
		slot = 0;
		for (int i = 1; i < cc->n; i++)
			if (cc->e[i].used < cc->e[slot].used)
				slot = i;
		if (cc->e[slot].cd != NULL)
			iconv_close((iconv_t) cc->e[slot].cd);
	}
	cd = iconv_open("UTF-8", name);
	strcpy(cc->e[slot].name, name);
	cc->e[slot].cd = cd == (iconv_t) -1 ? NULL : (void *) cd;
	cc->e[slot].used = cc->tick;
	return (iconv_t) cc->e[slot].cd;
}

void
bm_charset_cache_init(bm_charset_cache *cc)
{
	memset(cc, 0, sizeof(*cc));
}

void
bm_charset_cache_free(bm_charset_cache *cc)
{
	for (int i = 0; i < cc->n; i++)
		if (cc->e[i].cd != NULL)
			iconv_close((iconv_t) cc->e[i].cd);
	cc->n = 0;
}

bool
bm_charset_known(bm_charset_cache *cc, const char *cs, size_t cslen)
{
	char		name[BM_CHARSET_NAME_MAX + 1];

	if (!iconv_name(cs, cslen, name))
		return false;
	return strcmp(name, "UTF-8") == 0 || lookup(cc, name) != NULL;
}

/* Backs len off so that out[0..len) does not end inside a UTF-8 sequence. */
static size_t
char_boundary(const char *out, size_t len)
{
	size_t		back = 0;

	while (back < len && back < 4 && (((unsigned char) out[len - 1 - back]) & 0xc0) == 0x80)
		back++;
	if (back < len)
	{
		unsigned char lead = (unsigned char) out[len - 1 - back];
		size_t		need = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;

		if (need != back + 1)
			return len - 1 - back;
	}
	return len;
}

size_t
bm_charset_to_utf8(bm_charset_cache *cc, const char *cs, size_t cslen, const char *in, size_t len,
				   char *out, size_t outcap, bool *unknown, bool *truncated)
{
	char		name[BM_CHARSET_NAME_MAX + 1];
	iconv_t		cd;
	char	   *ip = (char *) in;
	size_t		il = len;
	char	   *op = out;
	size_t		ol = outcap;
	bool		ascii = true;

	if (cs == NULL || cslen == 0 || !iconv_name(cs, cslen, name))
	{
		if (unknown && cs != NULL && cslen > 0)
			*unknown = true;
		return bm_utf8_sanitize(in, len, out, outcap, truncated);
	}
	/* 7-bit text is itself UTF-8, except in the stateful and wide encodings */
	if (strncmp(name, "UTF-", 4) == 0 || strncmp(name, "utf-", 4) == 0 || strncmp(name, "ucs", 3) == 0 ||
		strncmp(name, "hz", 2) == 0)
		ascii = false;
	for (size_t i = 0; i < len && ascii; i++)
		ascii = (unsigned char) in[i] < 0x80 && in[i] != 0x1b && in[i] != '\0';
	if (strcmp(name, "UTF-8") == 0 || ascii)
		return bm_utf8_sanitize(in, len, out, outcap, truncated);
	cd = lookup(cc, name);
	if (cd == NULL)
	{
		if (unknown)
			*unknown = true;
		return bm_utf8_sanitize(in, len, out, outcap, truncated);
	}
	while (il > 0)
	{
		size_t		r = iconv(cd, &ip, &il, &op, &ol);

		if (r != (size_t) -1)
			break;
		if (errno == E2BIG)
		{
			if (truncated)
				*truncated = true;
			break;
		}
		/* EILSEQ or EINVAL (a sequence cut at the end): one U+FFFD for the byte, then go on */
		if (ol < sizeof(replacement))
		{
			if (truncated)
				*truncated = true;
			break;
		}
		memcpy(op, replacement, sizeof(replacement));
		op += sizeof(replacement);
		ol -= sizeof(replacement);
		ip++;
		il--;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	/* flush a stateful encoding's pending output, if room */
	if (ol > 0)
		iconv(cd, NULL, NULL, &op, &ol);
	len = char_boundary(out, (size_t) (op - out));
	/* iconv's UTF-8 output is valid; this guards against a converter that passes bytes through, and NULs */
	if (memchr(out, '\0', len) != NULL || !bm_utf8_valid(out, len))
	{
		size_t		i = 0;

		while (i < len)
		{
			size_t		k = bm_utf8_seq_len((const unsigned char *) out + i, len - i);

			if (k == 0 || out[i] == '\0')
				out[i++] = '?';
			else
				i += k;
		}
	}
	return len;
}
