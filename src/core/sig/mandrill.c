/*
 * mandrill.c — Mandrill's X-Mandrill-Signature: base64 HMAC-SHA1 (webhook key) over the webhook URL ‖
 * each form field sorted by name, name ‖ value, percent-decoded (webhook_sig.h).  Decodes with form.c.
 */
#include "sig_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "form.h"

#define MD_SIG_FIELD	BM_SIG_MANDRILL_SIGNATURE_HEADER
#define MD_URL_FIELD	"webhook URL"
#define MD_KEY_FIELD	"webhook key"
#define MD_BODY_FIELD	"body"
#define SHA1_LEN		20

typedef struct form_field
{
	bm_str		name;
	bm_str		value;
} form_field;

static int
field_order(const void *a, const void *b)
{
	const bm_str *x = &((const form_field *) a)->name;
	const bm_str *y = &((const form_field *) b)->name;
	size_t		n = x->len < y->len ? x->len : y->len;
	int			c = n > 0 ? memcmp(x->ptr, y->ptr, n) : 0;

	if (c != 0)
		return c;
	return (x->len > y->len) - (x->len < y->len);
}

/*
 * Decodes every field of body into buf (room for body.len bytes) and fields (room for every field),
 * sorted by name; MALFORMED on a bad escape or a repeated name.  *nfields receives the count.
 */
static bm_sig_result
decode_fields(bm_str body, char *buf, form_field *fields, size_t *nfields, bm_sig_info *info)
{
	bm_form_iter it;
	bm_str		name,
				value;
	size_t		used = 0;
	size_t		n = 0;

	bm_form_iter_init(&it, body.ptr, body.len);
	while (bm_form_next(&it, &name, &value))
	{
		size_t		nl,
					vl,
					bad;

		if (!bm_form_decode(name.ptr, name.len, buf + used, &nl, &bad))
			return bm_sig_fail(info, BM_SIG_MALFORMED, MD_BODY_FIELD,
							   "invalid percent-encoding at byte %zu of the body",
							   (size_t) (name.ptr - body.ptr) + bad);
		fields[n].name = (bm_str) {buf + used, nl};
		used += nl;
		if (!bm_form_decode(value.ptr, value.len, buf + used, &vl, &bad))
			return bm_sig_fail(info, BM_SIG_MALFORMED, MD_BODY_FIELD,
							   "invalid percent-encoding at byte %zu of the body",
							   (size_t) (value.ptr - body.ptr) + bad);
		fields[n].value = (bm_str) {buf + used, vl};
		used += vl;
		n++;
	}
	if (n > 1)
		qsort(fields, n, sizeof(form_field), field_order);
	for (size_t i = 1; i < n; i++)
	{
		if (field_order(&fields[i - 1], &fields[i]) == 0)
			return bm_sig_fail(info, BM_SIG_MALFORMED, MD_BODY_FIELD,
							   "form field %zu of %zu repeats the name of another field", i + 1, n);
	}
	*nfields = n;
	return BM_SIG_VALID;
}

/* HMAC-SHA1 of url ‖ name ‖ value ‖ ... compared with the decoded header. */
static bm_sig_result
check_mac(bm_str url, bm_str key, const form_field *fields, size_t n, const unsigned char *given,
		  size_t given_len, bm_sig_info *info)
{
	bm_str	   *parts = malloc((2 * n + 1) * sizeof(bm_str));
	unsigned char mac[EVP_MAX_MD_SIZE];
	size_t		mac_len;
	bool		match;

	if (parts == NULL)
		return bm_sig_error(info, MD_SIG_FIELD);
	parts[0] = url;
	for (size_t i = 0; i < n; i++)
	{
		parts[1 + 2 * i] = fields[i].name;
		parts[2 + 2 * i] = fields[i].value;
	}
	if (bm_hmac("SHA1", key, parts, 2 * n + 1, mac, &mac_len) != 1)
	{
		free(parts);
		return bm_sig_error(info, MD_SIG_FIELD);
	}
	free(parts);
	match = bm_const_eq(mac, mac_len, given, given_len);
	OPENSSL_cleanse(mac, sizeof(mac));
	if (!match)
		return bm_sig_fail(info, BM_SIG_INVALID, MD_SIG_FIELD,
						   "signature does not match the webhook URL, form fields and webhook key");
	return bm_sig_ok(info);
}

bm_sig_result
bm_sig_mandrill(bm_str body, bm_str signature, bm_str webhook_url, bm_str webhook_key, bm_sig_info *info)
{
	unsigned char *given = NULL;
	size_t		given_len;
	form_field *fields = NULL;
	char	   *buf = NULL;
	size_t		nfields = 0;
	size_t		maxfields;
	int			rc;
	bm_sig_result r;

	bm_sig_info_reset(info);
	signature = bm_sig_trim(signature);
	if (body.ptr == NULL)
		body = (bm_str) {"", 0};
	if (signature.ptr == NULL)
		return bm_sig_fail(info, BM_SIG_MALFORMED, MD_SIG_FIELD, "signature header missing");
	if (signature.len == 0)
		return bm_sig_fail(info, BM_SIG_MALFORMED, MD_SIG_FIELD, "signature header is empty");
	if (webhook_url.ptr == NULL || webhook_url.len == 0)
		return bm_sig_fail(info, BM_SIG_MALFORMED, MD_URL_FIELD, "webhook URL is empty");
	if (webhook_key.ptr == NULL || webhook_key.len == 0)
		return bm_sig_fail(info, BM_SIG_MALFORMED, MD_KEY_FIELD, "webhook key is empty");
	rc = bm_b64_decode(signature, &given, &given_len);
	if (rc < 0)
		return bm_sig_error(info, MD_SIG_FIELD);
	if (rc == 0)
		return bm_sig_fail(info, BM_SIG_MALFORMED, MD_SIG_FIELD, "signature is not base64");
	if (given_len != SHA1_LEN)
	{
		free(given);
		return bm_sig_fail(info, BM_SIG_MALFORMED, MD_SIG_FIELD,
						   "signature is not an HMAC-SHA1 (%zu bytes instead of 20)", given_len);
	}

	/* at most one field per byte (plus one), decoded text never longer than the body */
	maxfields = body.len / 2 + 1;
	if (maxfields > SIZE_MAX / (2 * sizeof(form_field)))
		r = bm_sig_fail(info, BM_SIG_MALFORMED, MD_BODY_FIELD, "body is too long");
	else if ((fields = malloc(maxfields * sizeof(form_field))) == NULL ||
			 (buf = malloc(body.len + 1)) == NULL)
		r = bm_sig_error(info, MD_BODY_FIELD);
	else if ((r = decode_fields(body, buf, fields, &nfields, info)) == BM_SIG_VALID)
		r = check_mac(webhook_url, webhook_key, fields, nfields, given, given_len, info);
	free(fields);
	free(buf);
	free(given);
	return r;
}
