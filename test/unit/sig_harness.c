/*
 * sig_harness.c — fixture values, base64 helpers and report checks for the webhook signature tests
 * (sig_harness.h).  Uses json-c and libcrypto's base64 directly: test code, not the code under test.
 */
#include "sig_harness.h"

#include <stdlib.h>

#include <json-c/json.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "timefmt.h"

char *
vec_get(const char *rel, const char *path)
{
	char		file[512];
	char		key[128];
	json_object *root;
	json_object *o;
	const char *p = path;
	char	   *out;

	snprintf(file, sizeof(file), "../fixtures/providers/%s", rel);
	root = json_object_from_file(file);
	if (root == NULL)
	{
		fprintf(stderr, "cannot read vector file %s (run the tests from test/unit)\n", file);
		exit(2);
	}
	o = root;
	while (*p)
	{
		size_t		n = strcspn(p, ".");

		snprintf(key, sizeof(key), "%.*s", (int) n, p);
		if (!json_object_object_get_ex(o, key, &o))
		{
			fprintf(stderr, "no %s in %s\n", path, file);
			exit(2);
		}
		p += n + (p[n] == '.');
	}
	out = strdup(json_object_get_string(o));
	json_object_put(root);
	if (out == NULL)
		abort();
	return out;
}

char *
b64_encode(const unsigned char *p, size_t len)
{
	char	   *out = malloc(4 * ((len + 2) / 3) + 1);

	if (out == NULL)
		abort();
	EVP_EncodeBlock((unsigned char *) out, p, (int) len);
	return out;
}

unsigned char *
b64_decode(const char *s, size_t *len)
{
	size_t		n = strlen(s);
	unsigned char *out = malloc(n / 4 * 3 + 1);
	int			r;

	if (out == NULL)
		abort();
	r = EVP_DecodeBlock(out, (const unsigned char *) s, (int) n);
	if (r < 0)
	{
		free(out);
		return NULL;
	}
	*len = (size_t) r - (n >= 1 && s[n - 1] == '=') - (n >= 2 && s[n - 2] == '=');
	return out;
}

char *
replace_once(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	size_t		tl = strlen(text),
				fl = strlen(from),
				nl = strlen(to);
	char	   *out;

	if (at == NULL)
	{
		fprintf(stderr, "replace_once: \"%s\" not found\n", from);
		abort();
	}
	out = malloc(tl - fl + nl + 1);
	if (out == NULL)
		abort();
	memcpy(out, text, (size_t) (at - text));
	memcpy(out + (at - text), to, nl);
	memcpy(out + (at - text) + nl, at + fl, tl - (size_t) (at - text) - fl + 1);
	return out;
}

int64_t
unix_at(const char *iso)
{
	int64_t		us = 0;

	if (bm_time_parse(iso, strlen(iso), &us) != BM_TIME_OK)
		abort();
	return us / 1000000;
}

void
check_result(const char *file, int line, const char *expr, bm_sig_result got, const bm_sig_info *info,
			 bm_sig_result want)
{
	if (got != want)
		unit_fail(file, line, "%s == %s (%s: %s), expected %s", expr, bm_sig_result_name(got),
				  info->field, info->message, bm_sig_result_name(want));
	else if (info->result != got)
		unit_fail(file, line, "%s: info->result %s differs from the returned %s", expr,
				  bm_sig_result_name(info->result), bm_sig_result_name(got));
	else if (got != BM_SIG_VALID && info->message[0] == '\0')
		unit_fail(file, line, "%s: %s without a message", expr, bm_sig_result_name(got));
	else if (got == BM_SIG_VALID && info->message[0] != '\0')
		unit_fail(file, line, "%s: valid, but a message is left: %s", expr, info->message);
	if (ERR_peek_error() != 0)
	{
		char		buf[256];

		ERR_error_string_n(ERR_peek_error(), buf, sizeof(buf));
		unit_fail(file, line, "%s left a libcrypto error on the queue: %s", expr, buf);
		ERR_clear_error();
	}
}

void
check_no_secret(const char *file, int line, const bm_sig_info *info, const char *secret)
{
	size_t		n = strlen(secret);
	const char *texts[2] = {info->message, info->field};

	for (int t = 0; t < 2; t++)
	{
		if (n > 0 && strstr(texts[t], secret) != NULL)
			unit_fail(file, line, "the report holds the secret: %s", texts[t]);
		for (size_t i = 0; n >= 8 && i + 8 <= n; i++)
		{
			char		piece[9];

			memcpy(piece, secret + i, 8);
			piece[8] = '\0';
			if (strstr(texts[t], piece) != NULL)
			{
				unit_fail(file, line, "the report holds a piece of the secret (\"%s\"): %s", piece, texts[t]);
				break;
			}
		}
	}
}
