/*
 * mail_decode.c — base64 and quoted-printable decoding for the bounce-mail parser.  Tolerant of junk
 * (skipped or kept literally), never reads past len nor writes past outcap.
 */
#include "mail_decode.h"

#include <stdint.h>

static const int8_t b64[256] = {
	['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6, ['G'] = 7, ['H'] = 8, ['I'] = 9,
	['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16, ['Q'] = 17,
	['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24, ['Y'] = 25,
	['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30, ['e'] = 31, ['f'] = 32, ['g'] = 33,
	['h'] = 34, ['i'] = 35, ['j'] = 36, ['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41,
	['p'] = 42, ['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48, ['w'] = 49,
	['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56, ['4'] = 57,
	['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64,
};								/* value + 1; 0 = not in the alphabet */

size_t
bm_base64_decode(const char *in, size_t len, char *out, size_t outcap, bool *truncated)
{
	uint32_t	acc = 0;
	int			bits = 0;
	size_t		o = 0;

	for (size_t i = 0; i < len; i++)
	{
		int			v = b64[(unsigned char) in[i]];

		if (v == 0)
			continue;
		acc = (acc << 6) | (uint32_t) (v - 1);
		bits += 6;
		if (bits >= 8)
		{
			bits -= 8;
			if (o >= outcap)
			{
				if (truncated)
					*truncated = true;
				return o;
			}
			out[o++] = (char) ((acc >> bits) & 0xff);
		}
	}
	return o;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

size_t
bm_qp_decode(const char *in, size_t len, char *out, size_t outcap, bool q_header, bool *truncated)
{
	size_t		o = 0;
	size_t		i = 0;

	while (i < len)
	{
		char		c = in[i];

		if (c == '=')
		{
			size_t		j = i + 1;
			int			h,
						l;

			/* soft line break: "=" [white space] (CRLF | LF | CR | end) */
			while (j < len && (in[j] == ' ' || in[j] == '\t'))
				j++;
			if (j == len || in[j] == '\n' || in[j] == '\r')
			{
				if (j < len && in[j] == '\r')
					j++;
				if (j < len && in[j] == '\n')
					j++;
				i = j;
				continue;
			}
			if (i + 2 < len + 0 && (h = hexval(in[i + 1])) >= 0 && (l = hexval(in[i + 2])) >= 0)
			{
				c = (char) (h * 16 + l);
				i += 3;
			}
			else
				i++;			/* a stray "=": kept literally */
		}
		else
		{
			if (q_header && c == '_')
				c = ' ';
			i++;
		}
		if (o >= outcap)
		{
			if (truncated)
				*truncated = true;
			return o;
		}
		out[o++] = c;
	}
	return o;
}
