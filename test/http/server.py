#!/usr/bin/env python3
"""server.py — a local stand-in for the providers' suppression-list APIs, for the sync tests and the
sync benchmark.  Never the internet: it listens on 127.0.0.1 only.

Usage: server.py [--port N] [--portfile PATH]   (port 0 = any free port, written to PATH)
       server.py --selftest                      (the SigV4 verifier against AWS's published vectors)

An account's base URL selects a scenario:  http://127.0.0.1:PORT/<scenario>/...
  ok            pages of generated entries (size from ?n=, default 1200 entries in total)
  n=<count>     like ok with <count> entries in total, e.g. /n=50000/v3/suppression/bounces
  bounces=<count>  SendGrid bounces list of <count> entries and an empty blocks list (the benchmark)
  slow=<secs>   like ok, each response delayed (for timeouts and cancel)
  slowlater=<secs>  600 entries per list; every page but a list's first is delayed (a cancel while a
                prefetch waits; a sync waiting between pages)
  429=<k>       the first k requests answer 429 with Retry-After: 1 (and X-RateLimit-Reset), then ok
  429forever    always 429
  500=<k>       the first k requests answer 500, then ok
  500forever    always 500
  401           401 with SendGrid's error body
  truncated     the body stops in the middle of the JSON
  html          200 with text/html and an HTML body
  wrongshape    like ok, but SendGrid pages come wrapped in {"items": [...]} (ingestion refuses the shape)
  badentry      like ok, but the first entry of every SendGrid page has an invalid status code
  429date=<k>   like 429=<k>, with Retry-After as an HTTP date (2 s ahead) and no X-RateLimit-Reset
  redirect      every request answers 302 to the same path under /ok on this host (same origin)
  redirect-away every request answers 302 to the same path on "localhost" (another origin)
  echo401       401 whose error message echoes the request's Authorization / X-Postmark-Server-Token
                headers (a provider that quotes the key back; it must not reach an ERROR or the log)
  samepage      SendGrid: every offset answers the same full page (a sync must notice, not loop)
  mgloop        Mailgun: paging.next goes back and forth between two pages
  bigpage       SendGrid: one entry with a 2 MB reason (bounce_mgmt.http_max_body bounds a page)
  failat=<k>    like ok (addresses resume<i>@example.org), but the page at offset k (SendGrid, Postmark)
                or page=k (Mailgun) answers 500 until GET /heal (a sync failing in the middle, then resumed)
  sesfail=<k>   SES: like ok (addresses sesresume<i>@example.org), but the page at offset k answers 500
                until GET /heal/sesfail=<k>
  sesgaps       SES: the first page is empty with a NextToken, and the last entries come with a NextToken
                that leads to an empty page without one (SES may page like that)
  sesloop       SES: the second page answers with the NextToken it was asked for
Postmark's lists come newest first; fromdate/todate are read in US Eastern time, as Postmark does, and
count + offset past 10,000 is refused with 422, as Postmark does.  DELETEs of an address starting with
"missing" answer 404 (not listed).  GET /bounces honours inactive=true and emailFilter (a substring).
Counters of the 429=/500= scenarios are kept per scenario (GET /reset clears them).
Endpoints: SendGrid GET /v3/suppression/bounces|blocks (limit, offset, start_time, end_time) and
DELETE /v3/suppression/bounces/<email>; Postmark GET /bounces (count, offset, fromdate) and
PUT /bounces/<id>/activate; Mailgun GET /v3/<domain>/bounces (limit, page=<token>, paging.next) and
DELETE /v3/<domain>/bounces/<address>; Amazon SES (SESv2) GET /v2/email/suppression/addresses
(StartDate, EndDate, PageSize up to 1000, NextToken) and DELETE /v2/email/suppression/addresses/<email>
(404 NotFoundException for an address starting with "missing"; GET /deleted lists what was deleted).
Requests are logged to stderr without their headers (no keys).

SES requests must carry an AWS Signature Version 4 that verifies, checked here as AWS does it: the
credential scope (date, region eu-west-1, service ses), X-Amz-Date within 5 minutes, the session token of
temporary credentials, and the signature recomputed from the canonical request (method; the path as sent,
URI-encoded once more; the query parameters decoded, re-encoded and sorted; the signed headers; the
payload's SHA-256), the string to sign and the key derived from the secret (HMAC-SHA256 over date,
region, service, "aws4_request").  A request that does not verify is refused with 403 and SES's error
JSON ({"message": ...}, x-amzn-ErrorType), the message quoting the canonical request and string to sign
as AWS does (so a session token in a signed header comes back in the error).
"""
import argparse
import base64
import hashlib
import hmac
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from datetime import datetime, timezone
from email.utils import formatdate
from urllib.parse import parse_qs, quote, unquote, urlsplit
from zoneinfo import ZoneInfo

COUNTERS = {}
HEALED = threading.Event()
HEALED_SCENARIOS = set()
DELETED = []
LOCK = threading.Lock()
BASE_TIME = 1767225600  # 2026-01-01T00:00:00Z
EASTERN = ZoneInfo("America/New_York")

# SES: the test credentials (access key id -> secret, session token of temporary credentials or None)
SES_CREDENTIALS = {
    "AKIASESTEST000000001": ("ses-secret-key/wJalrXUtnFEMI+K7MDENG", None),
    "ASIASESTEST000000002": ("ses-secret-key-temp/bPxRfiCYEXAMPLEKEY",
                             "IQoJb3JpZ2luX2VjEJr//////////wEaCWV1LXdlc3QtMSJHsession-secret-key-token=="),
}
SES_REGION = "eu-west-1"
SES_LIST = ["v2", "email", "suppression", "addresses"]
SES_MISMATCH = ("The request signature we calculated does not match the signature you provided. Check your AWS "
                "Secret Access Key and signing method. Consult the service documentation for details.")


def entry_email(i):
    return "bounced%d@example.org" % i


def ses_token(offset, window):
    """An opaque SES NextToken bound to its query's window: standard base64, so with '+', '/' and '=' that
    must be escaped in a query string."""
    return base64.b64encode(b"\xfb\xff\xbf" + json.dumps({"o": offset, "w": window}).encode()).decode()


def ses_untoken(text):
    raw = base64.b64decode(text.encode(), validate=True)
    if not raw.startswith(b"\xfb\xff\xbf"):
        raise ValueError("not a token")
    t = json.loads(raw[3:])
    return t["o"], t["w"]


def ses_time(i):
    """Entry i's LastUpdateTime as AWS's JSON writes epoch seconds: 1.767225601E9, odd ones with ms."""
    digits = str(BASE_TIME + i) + ("355" if i % 2 else "")
    return digits[0] + "." + digits[1:] + "E9"


def iso_to_unix(text):
    return datetime.fromisoformat(text).timestamp()


def sigv4(method, target, headers, signed, body, amz_date, scope, secret):
    """AWS Signature Version 4 of a request as the service computes it: (canonical request, string to sign,
    signature).  target is the request line's path and query as sent; headers maps lower-case names to
    their values; scope is "<day>/<region>/<service>/aws4_request".  Not S3: the path is URI-encoded once
    more, so "%40" is signed as "%2540"."""
    path, _, query = target.partition("?")
    pairs = sorted((quote(unquote(k), safe=""), quote(unquote(v), safe=""))
                   for k, _, v in (p.partition("=") for p in query.split("&") if p))
    lines = "".join("%s:%s\n" % (n, ",".join(" ".join(v.split()) for v in headers.get(n, [])))
                    for n in signed.split(";"))
    canonical = "\n".join([method, quote(path, safe="/"), "&".join("%s=%s" % p for p in pairs), lines, signed,
                           hashlib.sha256(body).hexdigest()])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in scope.split("/"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return canonical, to_sign, hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def selftest():
    """sigv4() against vectors of AWS's Signature Version 4 test suite and documentation (secret
    wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20150830T123600Z, us-east-1): the verifier is AWS's
    algorithm, not an echo of what libcurl computes."""
    secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    host = {"host": ["example.amazonaws.com"], "x-amz-date": ["20150830T123600Z"]}
    vectors = [  # get-vanilla, get-vanilla-query-order-key-case, get-vanilla-query-order-value, get-space,
                 # get-utf8, and the IAM ListUsers example of the documentation
        ("/", host, "host;x-amz-date", "service",
         "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        ("/?Param2=value2&Param1=value1", host, "host;x-amz-date", "service",
         "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
        ("/?Param1=value1&Param1=value2", host, "host;x-amz-date", "service",
         "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694"),
        ("/example space/", host, "host;x-amz-date", "service",
         "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"),
        ("/\u1234", host, "host;x-amz-date", "service",
         "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"),
        ("/?Action=ListUsers&Version=2010-05-08",
         {"content-type": ["application/x-www-form-urlencoded; charset=utf-8"], "host": ["iam.amazonaws.com"],
          "x-amz-date": ["20150830T123600Z"]}, "content-type;host;x-amz-date", "iam",
         "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"),
    ]
    for target, headers, signed, service, expected in vectors:
        got = sigv4("GET", target, headers, signed, b"", "20150830T123600Z",
                    "20150830/us-east-1/%s/aws4_request" % service, secret)[2]
        if got != expected:
            sys.exit("server.py: SigV4 self-test failed for %r: %s, not %s" % (target, got, expected))
    print("server.py: SigV4 verifier agrees with AWS's test vectors (%d)" % len(vectors))


def eastern_to_unix(text):
    """Postmark's fromdate/todate: a local date-time in US Eastern time."""
    return int(datetime.fromisoformat(text).replace(tzinfo=EASTERN).timestamp())


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("server: %s %s\n" % (self.command, self.path.split("?")[0]))

    def send(self, status, body, ctype="application/json", headers=None):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def scenario_gate(self, scenario):
        """Applies the scenario's failure mode; returns True when the request was answered."""
        if scenario.startswith("slow="):
            time.sleep(float(scenario[5:]))
        if scenario.startswith("slowlater=") and "offset=0" not in self.path:
            time.sleep(float(scenario[10:]))
        if scenario in ("redirect", "redirect-away"):
            host = self.headers.get("Host")
            if scenario == "redirect-away":
                host = "localhost:" + host.rsplit(":", 1)[1]
            rest = self.path[len("/" + scenario):]
            self.send(302, "", headers={"Location": "http://%s/ok%s" % (host, rest)})
            return True
        if scenario.startswith("429date="):
            with LOCK:
                COUNTERS[scenario] = COUNTERS.get(scenario, 0) + 1
                seen = COUNTERS[scenario]
            if seen <= int(scenario[8:]):
                self.send(429, '{"errors":[{"field":null,"message":"too many requests"}]}',
                          headers={"Retry-After": formatdate(time.time() + 2, usegmt=True)})
                return True
        if scenario in ("429forever",) or scenario.startswith("429=") or scenario == "500forever" \
                or scenario.startswith("500="):
            with LOCK:
                COUNTERS[scenario] = COUNTERS.get(scenario, 0) + 1
                seen = COUNTERS[scenario]
            if scenario == "429forever" or (scenario.startswith("429=") and seen <= int(scenario[4:])):
                self.send(429, '{"errors":[{"field":null,"message":"too many requests"}]}',
                          headers={"Retry-After": "1", "X-RateLimit-Reset": str(int(time.time()) + 1)})
                return True
            if scenario == "500forever" or (scenario.startswith("500=") and seen <= int(scenario[4:])):
                self.send(500, '{"message":"internal error"}')
                return True
        if scenario.startswith("sesfail=") and scenario not in HEALED_SCENARIOS:
            q = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            offset = ses_untoken(q["NextToken"])[0] if "NextToken" in q else 0
            if str(offset) == scenario[8:]:
                self.send(500, '{"message":"InternalFailure at this page"}')
                return True
        if scenario.startswith("failat=") and not HEALED.is_set():
            q = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            if q.get("offset", q.get("page")) == scenario[7:]:
                self.send(500, '{"message":"internal error at this page"}')
                return True
        if scenario == "401":
            self.send(401, '{"errors":[{"field":null,"message":"authorization required"}]}')
            return True
        if scenario == "echo401":
            sent = self.headers.get("Authorization") or self.headers.get("X-Postmark-Server-Token") or ""
            self.send(401, json.dumps({"errors": [{"field": None, "message":
                                       "invalid credentials: Authorization: %s was refused" % sent}]}))
            return True
        return False

    def total(self, scenario, blocks=False):
        if scenario.startswith("bounces="):
            return 0 if blocks else int(scenario[8:])
        if scenario.startswith("slowlater="):
            return 600
        return int(scenario[2:]) if scenario.startswith("n=") else 1200

    def page(self, scenario, body):
        if scenario == "truncated":
            self.send(200, body[: len(body) // 2])
        elif scenario == "html":
            self.send(200, "<html><body>Service temporarily unavailable</body></html>", "text/html")
        else:
            self.send(200, body)

    def aws_error(self, status, kind, message):
        self.send(status, json.dumps({"message": message}),
                  headers={"x-amzn-ErrorType": kind, "x-amzn-RequestId": "00000000-0000-0000-0000-000000000000"})

    def sigv4_refusal(self):
        """Checks the request's AWS Signature Version 4; None when it verifies, else (kind, message)."""
        m = re.fullmatch(r"AWS4-HMAC-SHA256 Credential=([^/,\s]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request,\s*"
                         r"SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})",
                         self.headers.get("Authorization", ""))
        if not m:
            return "IncompleteSignatureException", "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters."
        akid, day, region, service, signed, signature = m.groups()
        if akid not in SES_CREDENTIALS:
            return "UnrecognizedClientException", "The security token included in the request is invalid."
        secret, token = SES_CREDENTIALS[akid]
        if self.headers.get("X-Amz-Security-Token") != token:
            return "UnrecognizedClientException", "The security token included in the request is invalid."
        amz_date = self.headers.get("X-Amz-Date", "")
        try:
            sent = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc).timestamp()
        except ValueError:
            return "IncompleteSignatureException", "X-Amz-Date is missing or not in ISO 8601 basic format."
        if not amz_date.startswith(day):
            return "InvalidSignatureException", "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP."
        if abs(time.time() - sent) > 300:
            return "InvalidSignatureException", "Signature expired: %s is now earlier or later than 5 minutes." % amz_date
        if region != SES_REGION:
            return "InvalidSignatureException", "Credential should be scoped to a valid region."
        if service != "ses":
            return "InvalidSignatureException", "Credential should be scoped to correct service: 'ses'."
        names = signed.split(";")
        if "host" not in names or "x-amz-date" not in names or names != sorted(names):
            return "InvalidSignatureException", "Signed headers must include host and x-amz-date, sorted."
        headers = {n: self.headers.get_all(n, []) for n in names}
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        canonical, to_sign, expected = sigv4(self.command, self.path, headers, signed, body, amz_date,
                                             "%s/%s/%s/aws4_request" % (day, region, service), secret)
        if not hmac.compare_digest(expected, signature):
            return "SignatureDoesNotMatchException", (
                "%s\n\nThe Canonical String for this request should have been\n'%s'\n\n"
                "The String-to-Sign should have been\n'%s'\n" % (SES_MISMATCH, canonical, to_sign))
        return None

    def ses_list(self, scenario, q):
        """ListSuppressedDestinations: entry i listed at BASE_TIME + i, every tenth a COMPLAINT."""
        try:
            size = int(q.get("PageSize", 20))
            lo = iso_to_unix(q["StartDate"]) if "StartDate" in q else 0
            hi = iso_to_unix(q["EndDate"]) if "EndDate" in q else None
            offset, window = ses_untoken(q["NextToken"]) if "NextToken" in q else (0, [lo, hi])
        except (ValueError, KeyError):
            return self.aws_error(400, "BadRequestException", "Invalid NextToken, StartDate or EndDate.")
        if not 1 <= size <= 1000:
            return self.aws_error(400, "BadRequestException", "1 validation error detected: Value '%d' at "
                                  "'pageSize' failed to satisfy constraint: Member must have value less than or "
                                  "equal to 1000" % size)
        if window != [lo, hi]:
            return self.aws_error(400, "BadRequestException", "The NextToken does not belong to this query.")
        total = self.total(scenario)
        name = "sesresume%d@example.org" if scenario.startswith("sesfail=") else "suppressed%d@example.org"
        listed = [i for i in range(total)
                  if lo <= BASE_TIME + i + (0.355 if i % 2 else 0) <= (hi if hi is not None else float("inf"))]
        if scenario == "sesgaps" and "NextToken" not in q:
            return self.send(200, json.dumps({"SuppressedDestinationSummaries": [],
                                              "NextToken": ses_token(0, window)}))
        page = listed[offset:offset + size]
        items = ",".join('{"EmailAddress": "%s", "Reason": "%s", "LastUpdateTime": %s}'
                         % (name % i, "COMPLAINT" if i % 10 == 9 else "BOUNCE", ses_time(i)) for i in page)
        following = None
        if offset + size < len(listed) or (scenario == "sesgaps" and page):
            following = ses_token(offset + size, window)
        if scenario == "sesloop" and "NextToken" in q:
            following = q["NextToken"]
        body = '{"SuppressedDestinationSummaries": [%s]%s}' % (
            items, ', "NextToken": %s' % json.dumps(following) if following else "")
        return self.page(scenario, body)

    def do_GET(self):
        parts = urlsplit(self.path)
        q = {k: v[0] for k, v in parse_qs(parts.query).items()}
        segs = [unquote(s) for s in parts.path.split("/") if s]
        if segs == ["reset"]:
            COUNTERS.clear()
            return self.send(200, "{}")
        if segs == ["heal"]:
            HEALED.set()
            return self.send(200, "{}")
        if len(segs) == 2 and segs[0] == "heal":
            HEALED_SCENARIOS.add(segs[1])
            return self.send(200, "{}")
        if segs == ["deleted"]:
            return self.send(200, json.dumps(DELETED))
        if not segs:
            return self.send(404, '{"message":"not found"}')
        scenario, rest = segs[0], segs[1:]
        if self.scenario_gate(scenario):
            return
        if rest == SES_LIST:
            refusal = self.sigv4_refusal()
            if refusal:
                return self.aws_error(403, *refusal)
            return self.ses_list(scenario, q)
        total = self.total(scenario)
        email_of = (lambda i: "resume%d@example.org" % i) if scenario.startswith("failat=") else entry_email
        if rest[:3] == ["v3", "suppression", "bounces"] or rest[:3] == ["v3", "suppression", "blocks"]:
            blocks = rest[2] == "blocks"
            total = self.total(scenario, blocks)
            limit, offset = int(q.get("limit", 500)), int(q.get("offset", 0))
            # entry i was created at BASE_TIME + i; start_time/end_time select by it (both inclusive)
            lo = max(0, int(q["start_time"]) - BASE_TIME) if "start_time" in q else 0
            hi = min(total, int(q["end_time"]) - BASE_TIME + 1) if "end_time" in q else total
            listed = range(lo, max(lo, hi))
            items = [{"created": BASE_TIME + i, "email": email_of(i),
                      "reason": ("unable to resolve MX record for example.org: servfail" if blocks
                                 else "550 5.1.1 The email account that you tried to reach does not exist."),
                      "status": "4.0.0" if blocks else "5.1.1"}
                     for i in listed[offset:offset + limit]]
            if scenario == "badentry" and items:
                items[0]["status"] = "bogus"
            if scenario == "samepage":
                items = [{"created": BASE_TIME + i, "email": email_of(i), "reason": "550 5.1.1 no such user",
                          "status": "5.1.1"} for i in range(limit)]
            if scenario == "bigpage" and items:
                items[0]["reason"] = "550 5.1.1 " + "x" * (2 * 1024 * 1024)
            return self.page(scenario, json.dumps({"items": items} if scenario == "wrongshape" else items))
        if rest == ["bounces"]:
            count, offset = int(q.get("count", 500)), int(q.get("offset", 0))
            if count + offset > 10000:
                return self.send(422, '{"ErrorCode": 600, "Message": "Count + Offset may not exceed 10,000."}')
            # bounce i happened at BASE_TIME + i; newest first; dates in US Eastern time, both inclusive
            lo = max(0, eastern_to_unix(q["fromdate"]) - BASE_TIME) if "fromdate" in q else 0
            hi = min(total, eastern_to_unix(q["todate"]) - BASE_TIME + 1) if "todate" in q else total
            listed = [i for i in range(max(lo, hi) - 1, lo - 1, -1)
                      if "emailFilter" not in q or q["emailFilter"] in entry_email(i)]
            items = [{"ID": 9007199254740993 + i, "Type": "HardBounce", "TypeCode": 1, "Email": email_of(i),
                      "BouncedAt": datetime.fromtimestamp(BASE_TIME + i, EASTERN).isoformat(),
                      "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
                      "Inactive": True, "CanActivate": True}
                     for i in listed[offset:offset + count]]
            return self.page(scenario, json.dumps({"TotalCount": len(listed), "Bounces": items}))
        if len(rest) == 3 and rest[0] == "v3" and rest[2] == "bounces":
            limit = int(q.get("limit", 100))
            start = int(q.get("page", "0") or 0)
            items = [{"address": email_of(i), "code": "550", "error": "No such mailbox",
                      "created_at": time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(BASE_TIME + i))}
                     for i in range(start, min(start + limit, total))]
            base = "http://%s/%s/v3/%s/bounces" % (self.headers.get("Host"), scenario, rest[1])
            following = start + len(items)
            if scenario == "mgloop":
                following = limit if start == 0 else 0
            body = {"items": items,
                    "paging": {"first": base + "?limit=%d" % limit,
                               "next": base + "?limit=%d&page=%d" % (limit, following),
                               "previous": base + "?limit=%d&page=%d" % (limit, max(0, start - limit)),
                               "last": base + "?limit=%d&page=last" % limit}}
            return self.page(scenario, json.dumps(body))
        return self.send(404, '{"message":"not found"}')

    def do_DELETE(self):
        segs = [unquote(s) for s in urlsplit(self.path).path.split("/") if s]
        if not segs or self.scenario_gate(segs[0]):
            return
        rest = segs[1:]
        if rest[:4] == SES_LIST and len(rest) == 5:
            refusal = self.sigv4_refusal()
            if refusal:
                return self.aws_error(403, *refusal)
            if rest[4].startswith("missing"):
                return self.aws_error(404, "NotFoundException",
                                      "Email address %s does not exist on your suppression list." % rest[4])
            DELETED.append(rest[4])
            return self.send(200, "{}")
        if len(rest) == 4 and rest[3].startswith("missing"):
            return self.send(404, '{"errors":[{"field":null,"message":"not found"}]}' if rest[0] == "v3" and
                             rest[1] == "suppression" else '{"message":"Address not found in bounces table"}')
        if rest[:3] == ["v3", "suppression", "bounces"] and len(rest) == 4:
            return self.send(204, "")
        if len(rest) == 4 and rest[0] == "v3" and rest[2] == "bounces":
            return self.send(200, json.dumps({"message": "Bounced address has been removed", "address": rest[3]}))
        return self.send(404, '{"message":"not found"}')

    def do_PUT(self):
        segs = [unquote(s) for s in urlsplit(self.path).path.split("/") if s]
        if not segs or self.scenario_gate(segs[0]):
            return
        rest = segs[1:]
        if len(rest) == 3 and rest[0] == "bounces" and rest[2] == "activate":
            return self.send(200, json.dumps({"Message": "OK", "Bounce": {"ID": int(rest[1]), "Inactive": False}}))
        return self.send(404, '{"Message":"not found"}')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--portfile")
    ap.add_argument("--selftest", action="store_true", help="check the SigV4 verifier against AWS's vectors")
    args = ap.parse_args()
    if args.selftest:
        return selftest()
    httpd = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    httpd.daemon_threads = True
    if args.portfile:
        with open(args.portfile, "w") as f:
            f.write(str(httpd.server_address[1]))
    sys.stderr.write("server: listening on 127.0.0.1:%d\n" % httpd.server_address[1])
    httpd.serve_forever()


if __name__ == "__main__":
    main()
