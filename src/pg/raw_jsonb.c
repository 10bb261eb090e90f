/*
 * raw_jsonb.c — an event's raw JSON as jsonb, built from the parse the payload driver already made
 * (bm_payload_walk): no second parse of the text.  What jsonb cannot hold (a "\u0000" in a string, text
 * not valid in the server encoding) is reported, never raised, so the element is quarantined instead.
 */
#include "postgres.h"

#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "raw_jsonb.h"

typedef struct builder
{
	JsonbParseState *state;
	JsonbValue *result;
	int			depth;
	bool		in_object[BJ_WALK_DEPTH];	/* per open container: object (keys) or array */
	const char *why;			/* set when the value cannot be stored */
	bool		utf8;			/* the server encoding is UTF-8: json-c's strings need no check */
} builder;

static bool
set_string(builder *b, JsonbValue *v, const char *s, size_t len)
{
	if (len > JENTRY_OFFLENMASK || (!b->utf8 && !pg_verifymbstr(s, (int) len, true)))
	{
		b->why = len > JENTRY_OFFLENMASK ? "a string is too long for jsonb" :
			"a string is not valid in the server encoding";
		return false;
	}
	v->type = jbvString;
	v->val.string.val = (char *) s;
	v->val.string.len = (int) len;
	return true;
}

static bool
on_value(void *ctx, bm_json_kind kind, const char *key, size_t key_len, const char *s, size_t len, bool has_nul)
{
	builder    *b = (builder *) ctx;
	JsonbValue	v;
	bool		member = b->depth > 0 && b->in_object[b->depth - 1];

	if (member)
	{
		JsonbValue	k;

		if (!set_string(b, &k, key ? key : "", key ? key_len : 0))
			return false;
		pushJsonbValue(&b->state, WJB_KEY, &k);
	}
	switch (kind)
	{
		case BM_JSON_ARRAY:
		case BM_JSON_OBJECT:
			if (b->depth >= BJ_WALK_DEPTH)
			{
				b->why = "nested too deeply for jsonb";
				return false;
			}
			b->in_object[b->depth++] = (kind == BM_JSON_OBJECT);
			b->result = pushJsonbValue(&b->state, kind == BM_JSON_OBJECT ? WJB_BEGIN_OBJECT : WJB_BEGIN_ARRAY,
									   NULL);
			return true;
		case BM_JSON_NULL:
			v.type = jbvNull;
			break;
		case BM_JSON_FALSE:
		case BM_JSON_TRUE:
			v.type = jbvBool;
			v.val.boolean = (kind == BM_JSON_TRUE);
			break;
		case BM_JSON_NUMBER:
			{
				char	   *text = pnstrdup(s, len);

				v.type = jbvNumeric;
				v.val.numeric = DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(text),
																	ObjectIdGetDatum(InvalidOid),
																	Int32GetDatum(-1)));
				pfree(text);
			}
			break;
		case BM_JSON_STRING:
			if (has_nul)
			{
				b->why = "a string holds \\u0000, which jsonb cannot store";
				return false;
			}
			if (!set_string(b, &v, s, len))
				return false;
			break;
	}
	if (b->depth == 0)
	{
		/* a scalar alone: jsonb stores it as a one-element raw array */
		JsonbValue	arr;

		arr.type = jbvArray;
		arr.val.array.rawScalar = true;
		arr.val.array.nElems = 1;
		arr.val.array.elems = &v;
		b->result = pushJsonbValue(&b->state, WJB_BEGIN_ARRAY, &arr);
		b->result = pushJsonbValue(&b->state, WJB_ELEM, &v);
		b->result = pushJsonbValue(&b->state, WJB_END_ARRAY, NULL);
		return true;
	}
	b->result = pushJsonbValue(&b->state, member ? WJB_VALUE : WJB_ELEM, &v);
	return true;
}

static bool
on_end(void *ctx, bm_json_kind kind)
{
	builder    *b = (builder *) ctx;

	b->depth--;
	b->result = pushJsonbValue(&b->state, kind == BM_JSON_OBJECT ? WJB_END_OBJECT : WJB_END_ARRAY, NULL);
	return true;
}

Datum
bm_raw_jsonb(const bm_parser *parser, uint32 ref, const char **why)
{
	builder		b;
	bm_json_visitor v = {&b, on_value, on_end};

	memset(&b, 0, sizeof(b));
	b.utf8 = (GetDatabaseEncoding() == PG_UTF8);
	*why = NULL;
	if (!bm_payload_walk(parser, ref, &v) || b.result == NULL)
	{
		*why = b.why ? b.why : "the element could not be read back";
		return (Datum) 0;
	}
	return JsonbPGetDatum(JsonbValueToJsonb(b.result));
}
