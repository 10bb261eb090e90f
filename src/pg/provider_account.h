/*
 * provider_account.h — a provider API account as sync and removals use it (provider_account.c): read from
 * provider_accounts with its key from provider_keys, checked (key present, base URL safe to send the key
 * to, Mailgun domain, SES region and secret), the key placed into a request's header or basic auth (SES:
 * an AWS Signature Version 4 that libcurl computes), and wiped after use.
 */
#ifndef BM_PROVIDER_ACCOUNT_H
#define BM_PROVIDER_ACCOUNT_H

#include "postgres.h"

#include "datatype/timestamp.h"

#include "event.h"
#include "http.h"

typedef struct bm_account
{
	char	   *name;
	bm_provider provider;
	char	   *base_url;		/* without a trailing slash */
	char	   *api_key;		/* NULL after bm_account_forget_key(); SES: the access key id */
	char	   *api_secret;		/* SES: the secret access key; NULL after bm_account_forget_key() */
	char	   *session_token;	/* SES: temporary credentials' token, or NULL; likewise */
	char	   *domain;			/* Mailgun's sending domain */
	char	   *region;			/* SES: the AWS region (options.region) */
	bool		has_cursor;
	TimestampTz cursor;			/* provider_accounts.last_synced_at */
} bm_account;

/*
 * Reads the account and its key with the caller's rights (provider_keys: the extension owner's), in
 * CurrentMemoryContext; connects to SPI itself.  Raises 42704 for an unknown account, 28000 without a key
 * (or an SES account without its secret), 22023 for a base URL, Mailgun domain or SES region missing,
 * 0A000 when libcurl cannot sign SES requests, and 28000 for a plain http:// base URL off this machine
 * unless bounce_mgmt.allow_insecure_http is on.
 */
extern bm_account *bm_account_load(const char *name);

/* Sets req's authentication from the account's key (header, basic auth or AWS SigV4; never the URL). */
extern void bm_account_authorize(const bm_account *acc, bm_http_request *req, const char *what);

/* Overwrites and frees the key, secret and session token. */
extern void bm_account_forget_key(bm_account *acc);

extern void bm_account_init(void);

#endif							/* BM_PROVIDER_ACCOUNT_H */
