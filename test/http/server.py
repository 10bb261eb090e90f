#!/usr/bin/env python3
"""server.py — a local stand-in for the providers' suppression-list APIs, for the sync tests and the
sync benchmark.  Never the internet: it listens on 127.0.0.1 only.

Usage: server.py [--port N] [--portfile PATH]   (port 0 = any free port, written to PATH)

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
Postmark's lists come newest first; fromdate/todate are read in US Eastern time, as Postmark does, and
count + offset past 10,000 is refused with 422, as Postmark does.  DELETEs of an address starting with
"missing" answer 404 (not listed).  GET /bounces honours inactive=true and emailFilter (a substring).
Counters of the 429=/500= scenarios are kept per scenario (GET /reset clears them).
Endpoints: SendGrid GET /v3/suppression/bounces|blocks (limit, offset, start_time, end_time) and
DELETE /v3/suppression/bounces/<email>; Postmark GET /bounces (count, offset, fromdate) and
PUT /bounces/<id>/activate; Mailgun GET /v3/<domain>/bounces (limit, page=<token>, paging.next) and
DELETE /v3/<domain>/bounces/<address>.  Requests are logged to stderr without their headers (no keys).
"""
import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from datetime import datetime, timezone
from email.utils import formatdate
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

COUNTERS = {}
HEALED = threading.Event()
LOCK = threading.Lock()
BASE_TIME = 1767225600  # 2026-01-01T00:00:00Z
EASTERN = ZoneInfo("America/New_York")


def entry_email(i):
    return "bounced%d@example.org" % i


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
        if not segs:
            return self.send(404, '{"message":"not found"}')
        scenario, rest = segs[0], segs[1:]
        if self.scenario_gate(scenario):
            return
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
    args = ap.parse_args()
    httpd = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    httpd.daemon_threads = True
    if args.portfile:
        with open(args.portfile, "w") as f:
            f.write(str(httpd.server_address[1]))
    sys.stderr.write("server: listening on 127.0.0.1:%d\n" % httpd.server_address[1])
    httpd.serve_forever()


if __name__ == "__main__":
    main()
