/*
 * sns_msg.c — an SNS HTTP(S) message: its JSON members, the checks that need no certificate, and the
 * string to sign exactly as AWS documents it ("Name\nvalue\n" per member, in byte order of the names).
 */
#include "sns_internal.h"

#include <stdlib.h>
#include <string.h>

#include "timefmt.h"

typedef enum sns_type
{
	SNS_NOTIFICATION,
	SNS_SUBSCRIPTION_CONFIRMATION,
	SNS_UNSUBSCRIBE_CONFIRMATION,
	SNS_UNKNOWN
} sns_type;

/*
 * The member name of the JSON object as a string into *out (ptr NULL when absent, or when null and
 * optional).  False (info filled) when it is required and missing, or present and not a string.
 */
static bool
string_member(const bj_doc *d, bj_ref obj, const char *name, bool required, bm_str *out, bm_sig_info *info)
{
	bj_ref		r = bj_get_n(d, obj, name, strlen(name));

	*out = BM_STR_NULL;
	if (bj_is(d, r, BJ_STRING))
	{
		*out = (bm_str) {bj_at(d, r)->str, bj_at(d, r)->len};
		return true;
	}
	if (r == 0 || (!required && bj_type_of(d, r) == BJ_NULL))
	{
		if (required)
			bm_sig_fail(info, BM_SIG_MALFORMED, name, "%s missing", name);
		return !required;
	}
	bm_sig_fail(info, BM_SIG_MALFORMED, name, "%s is not a JSON string", name);
	return false;
}

static sns_type
type_of(bm_str t)
{
	if (t.len == 12 && memcmp(t.ptr, "Notification", 12) == 0)
		return SNS_NOTIFICATION;
	if (t.len == 24 && memcmp(t.ptr, "SubscriptionConfirmation", 24) == 0)
		return SNS_SUBSCRIPTION_CONFIRMATION;
	if (t.len == 23 && memcmp(t.ptr, "UnsubscribeConfirmation", 23) == 0)
		return SNS_UNSUBSCRIBE_CONFIRMATION;
	return SNS_UNKNOWN;
}

/* Reads the members; MALFORMED when one the type needs is missing or not a string. */
static bm_sig_result
read_members(bm_sns_msg *m, bj_ref root, sns_type *type, bm_sig_info *info)
{
	const bj_doc *d = &m->doc;
	bm_sns_fields *f = &m->f;
	bool		confirmation;

	if (!string_member(d, root, "Type", true, &f->type, info))
		return info->result;
	*type = type_of(f->type);
	if (*type == SNS_UNKNOWN)
		return bm_sig_fail(info, BM_SIG_MALFORMED, "Type",
						   "Type is not Notification, SubscriptionConfirmation or UnsubscribeConfirmation");
	confirmation = (*type != SNS_NOTIFICATION);
	if (!string_member(d, root, "Message", true, &f->message, info) ||
		!string_member(d, root, "MessageId", true, &f->message_id, info) ||
		!string_member(d, root, "Timestamp", true, &f->timestamp, info) ||
		!string_member(d, root, "TopicArn", true, &f->topic_arn, info) ||
		!string_member(d, root, "SignatureVersion", true, &f->signature_version, info) ||
		!string_member(d, root, "Signature", true, &f->signature, info) ||
		!string_member(d, root, "SigningCertURL", true, &f->signing_cert_url, info) ||
		!string_member(d, root, "Subject", false, &f->subject, info) ||
		!string_member(d, root, "SubscribeURL", confirmation, &f->subscribe_url, info) ||
		!string_member(d, root, "Token", confirmation, &f->token, info) ||
		!string_member(d, root, "UnsubscribeURL", false, &f->unsubscribe_url, info))
		return info->result;
	return BM_SIG_VALID;
}

/* SignatureVersion, Timestamp, Signature, the URLs and the topic: everything checkable offline. */
static bm_sig_result
check_members(bm_sns_msg *m, sns_type type, const bm_sns_policy *policy, bm_sig_info *info)
{
	const bm_sns_fields *f = &m->f;
	const char *why;
	int64_t		us;
	int			rc;

	if (f->signature_version.len == 1 && f->signature_version.ptr[0] == '1')
		m->version = 1;
	else if (f->signature_version.len == 1 && f->signature_version.ptr[0] == '2')
		m->version = 2;
	else
		return bm_sig_fail(info, BM_SIG_UNSUPPORTED_VERSION, "SignatureVersion",
						   "SignatureVersion is not 1 (SHA1withRSA) or 2 (SHA256withRSA)");
	if ((why = bm_sns_cert_url_problem(f->signing_cert_url)) != NULL)
		return bm_sig_fail(info, BM_SIG_BAD_CERT_URL, "SigningCertURL", "SigningCertURL %s", why);
	if (type != SNS_NOTIFICATION && (why = bm_sns_subscribe_url_problem(f->subscribe_url)) != NULL)
		return bm_sig_fail(info, BM_SIG_BAD_CERT_URL, "SubscribeURL", "SubscribeURL %s", why);
	if (bm_time_parse(f->timestamp.ptr, f->timestamp.len, &us) != BM_TIME_OK)
		return bm_sig_fail(info, BM_SIG_MALFORMED, "Timestamp", "Timestamp is not an ISO 8601 time");
	m->timestamp = us / 1000000;
	info->timestamp = m->timestamp;
	rc = bm_b64_decode(f->signature, &m->sig, &m->siglen);
	if (rc < 0)
		return bm_sig_error(info, "Signature");
	if (rc == 0)
		return bm_sig_fail(info, BM_SIG_MALFORMED, "Signature", "Signature is not base64");
	if (policy != NULL && policy->topics != NULL && policy->ntopics > 0)
	{
		bool		allowed = false;

		for (size_t i = 0; i < policy->ntopics && !allowed; i++)
			allowed = policy->topics[i].ptr != NULL && policy->topics[i].len == f->topic_arn.len &&
				memcmp(policy->topics[i].ptr, f->topic_arn.ptr, f->topic_arn.len) == 0;
		if (!allowed)
			return bm_sig_fail(info, BM_SIG_TOPIC_NOT_ALLOWED, "TopicArn",
							   "TopicArn is not one of the %zu allowed topics", policy->ntopics);
	}
	return BM_SIG_VALID;
}

/* The string to sign: the members of the type, in AWS's order, each "Name\nvalue\n". */
static bm_sig_result
build_string_to_sign(bm_sns_msg *m, sns_type type, bm_sig_info *info)
{
	const bm_sns_fields *f = &m->f;
	struct
	{
		const char *name;
		bm_str		value;
	}			parts[7];
	size_t		n = 0;
	size_t		len = 0;
	char	   *p;

#define ADD(nm, v) do { parts[n].name = (nm); parts[n].value = (v); n++; } while (0)
	ADD("Message", f->message);
	ADD("MessageId", f->message_id);
	if (type == SNS_NOTIFICATION)
	{
		if (f->subject.ptr != NULL)
			ADD("Subject", f->subject);
	}
	else
		ADD("SubscribeURL", f->subscribe_url);
	ADD("Timestamp", f->timestamp);
	if (type != SNS_NOTIFICATION)
		ADD("Token", f->token);
	ADD("TopicArn", f->topic_arn);
	ADD("Type", f->type);
#undef ADD

	for (size_t i = 0; i < n; i++)
		len += strlen(parts[i].name) + parts[i].value.len + 2;
	if ((m->to_sign = malloc(len + 1)) == NULL)
		return bm_sig_error(info, "");
	p = m->to_sign;
	for (size_t i = 0; i < n; i++)
	{
		size_t		nl = strlen(parts[i].name);

		memcpy(p, parts[i].name, nl);
		p += nl;
		*p++ = '\n';
		if (parts[i].value.len > 0)
			memcpy(p, parts[i].value.ptr, parts[i].value.len);
		p += parts[i].value.len;
		*p++ = '\n';
	}
	*p = '\0';
	m->to_sign_len = len;
	return BM_SIG_VALID;
}

bm_sig_result
bm_sns_parse(bm_str body, const bm_sns_policy *policy, bm_sns_msg **out, bm_sig_info *info)
{
	bm_sns_msg *m;
	bj_ref		root = 0;
	sns_type	type = SNS_UNKNOWN;
	bm_sig_result r;

	bm_sig_info_reset(info);
	*out = NULL;
	if ((m = calloc(1, sizeof(bm_sns_msg))) == NULL)
		return bm_sig_error(info, "body");
	bj_doc_init(&m->doc);
	r = bm_sig_parse_body(&m->doc, body, &root, info);
	if (r != BM_SIG_VALID)
		;						/* info says why */
	else if (!bj_is(&m->doc, root, BJ_OBJECT))
		r = bm_sig_fail(info, BM_SIG_MALFORMED, "body", "body is not a JSON object");
	else if ((r = read_members(m, root, &type, info)) == BM_SIG_VALID &&
			 (r = check_members(m, type, policy, info)) == BM_SIG_VALID)
		r = build_string_to_sign(m, type, info);
	if (r != BM_SIG_VALID)
	{
		bm_sns_msg_free(m);
		return r;
	}
	*out = m;
	return bm_sig_ok(info);
}

const bm_sns_fields *
bm_sns_msg_fields(const bm_sns_msg *msg)
{
	return &msg->f;
}

bm_str
bm_sns_msg_string_to_sign(const bm_sns_msg *msg)
{
	return (bm_str) {msg->to_sign, msg->to_sign_len};
}

void
bm_sns_msg_free(bm_sns_msg *msg)
{
	if (msg == NULL)
		return;
	bj_doc_free(&msg->doc);
	free(msg->sig);
	free(msg->to_sign);
	free(msg);
}
