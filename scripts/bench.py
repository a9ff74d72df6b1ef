#!/usr/bin/env python3
"""The benchmark (run through scripts/bench.sh, which builds the release binary first).

For each backend: a fresh database seeded with `career-relay bench-seed`, the portal started
(one instance on SQLite; two on PostgreSQL, each loaded at once), sign-ins through real one-time
links, a check that every page shows what the database says it must, then wrk on each page. It
prints a Markdown table: req/s, p50, p99, req/s as a share of the public sign-in page (this
binary's floor), SQL statements per request, the server's peak RSS, the database's size, and the
panics in the server's log. Then the CSV import of 100,000 rows (Shift_JIS), timed, while other
people open relay pages and opt in once a second each.
"""

import argparse
import datetime
import gzip
import json
import os
import random
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
BIN = os.environ.get("CAREER_RELAY_BIN", os.path.join(TARGET, "release", "career-relay"))
WORK = os.path.join(ROOT, "data", "bench")


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def http(method, url, headers=None, data=None, timeout=30):
    """(status, headers, body) of one request, redirects not followed."""
    req = urllib.request.Request(url, method=method, headers=headers or {}, data=data)
    try:
        with OPENER.open(req, timeout=timeout) as r:
            return r.status, r.headers, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode("utf-8", "replace")


class Database:
    """The benchmark's database on one backend, and plain SQL against it."""

    def __init__(self, backend, reuse=False):
        self.backend = backend
        if backend == "sqlite":
            self.path = os.path.join(WORK, "bench.db")
            for ext in ("", "-wal", "-shm"):
                if os.path.exists(self.path + ext) and not reuse:
                    os.remove(self.path + ext)
            self.url = f"sqlite://{self.path}"
        else:
            server = os.environ.get("CAREER_RELAY_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
            self.admin = server
            self.name = "career_relay_bench"
            self.psql(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)", db=server)
            self.psql(f"CREATE DATABASE {self.name}", db=server)
            self.url = server.rsplit("/", 1)[0] + "/" + self.name

    def psql(self, sql, db=None):
        out = subprocess.run(["psql", db or self.url, "-tAq", "-c", sql], check=True,
                             capture_output=True, text=True, env=dict(os.environ, PGOPTIONS="-c client_min_messages=warning"))
        return out.stdout.strip()

    def one(self, sql):
        """The first column of the first row (SQL written with `?` for SQLite and PostgreSQL alike)."""
        if self.backend == "sqlite":
            with sqlite3.connect(self.path) as c:
                row = c.execute(sql).fetchone()
                return row[0] if row else None
        out = self.psql(sql)
        return out.split("\n")[0] if out else None

    def size(self):
        if self.backend == "sqlite":
            return sum(os.path.getsize(self.path + ext) for ext in ("", "-wal") if os.path.exists(self.path + ext))
        return int(self.psql(f"SELECT pg_database_size('{self.name}')"))

    def drop(self):
        if self.backend == "postgres":
            self.psql(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)", db=self.admin)


class Instance:
    """One `career-relay serve` with its log in a file."""

    def __init__(self, db, rust_log="warn"):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join(WORK, f"server-{self.port}.log")
        self.log = open(self.log_path, "w")
        env = dict(os.environ, DATABASE_URL=db.url, CAREER_RELAY_ADDR=f"127.0.0.1:{self.port}",
                   RUST_LOG=rust_log, LEPTOS_SITE_ROOT=os.path.join(ROOT, "target", "site"),
                   CAREER_RELAY_LIMIT_OPT_IN_PER_CLIENT="1000000", CAREER_RELAY_LIMIT_OPT_IN_PER_LINK="1000000",
                   CAREER_RELAY_LIMIT_SIGN_IN_PER_CLIENT="1000000")
        self.process = subprocess.Popen([BIN, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=self.log)
        for _ in range(200):
            try:
                if http("GET", self.base + "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise SystemExit(f"the portal did not start; see {self.log_path}")

    def peak_rss_mb(self):
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def stop(self):
        """Stops the portal (it finishes what it was doing first) and returns its log."""
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=120)
        self.log.close()
        with open(self.log_path) as f:
            return f.read()


def cli(db, *args):
    env = dict(os.environ, DATABASE_URL=db.url)
    out = subprocess.run([BIN, *args], env=env, check=True, capture_output=True, text=True)
    return out.stdout


def sign_in(db, base, email):
    """A session cookie, through a real one-time link and its button."""
    url = json.loads(cli(db, "admin", "sign-in-link", "--email", email, "--json"))["url"]
    token = url.rsplit("/", 1)[1]
    status, headers, _ = http("POST", f"{base}/auth/{token}/continue", headers={"Origin": base})
    assert status == 303, f"sign-in for {email} answered {status}"
    return "; ".join(c.split(";")[0] for c in headers.get_all("Set-Cookie"))


def wrk(url, headers, connections, seconds, script=None):
    """req/s, p50 ms, p99 ms, errors of wrk on one URL."""
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for k, v in headers.items():
        args += ["-H", f"{k}: {v}"]
    if script:
        args += ["-s", script]
    out = subprocess.run(args + [url], check=True, capture_output=True, text=True).stdout

    def ms(label):
        m = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            return float("nan")
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = int(bad.group(1)) if bad else 0
    if socket_errors:
        errors += sum(int(g) for g in socket_errors.groups())
    return rps, ms("50%"), ms("99%"), errors


def load(instances, path, headers, connections, seconds, script=None):
    """wrk against every instance at once (connections each): summed req/s, worst p50 and p99."""
    results = [None] * len(instances)

    def run(i, inst):
        results[i] = wrk(inst.base + path, headers, connections, seconds, script)

    threads = [threading.Thread(target=run, args=(i, inst)) for i, inst in enumerate(instances)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return (sum(r[0] for r in results), max(r[1] for r in results), max(r[2] for r in results),
            sum(r[3] for r in results))


def statements(db, path, headers):
    """SQL statements one request runs, from the log of an instance that logs every statement."""
    inst = Instance(db, rust_log="warn,sqlx::query=debug")
    try:
        http("GET", inst.base + path, headers)  # warm: first-use statements of pools and caches
        time.sleep(0.3)
        with open(inst.log_path) as f:
            before = f.read().count("sqlx::query")
        http("GET", inst.base + path, headers)
        time.sleep(0.3)
        with open(inst.log_path) as f:
            return f.read().count("sqlx::query") - before
    finally:
        inst.stop()


CLAIMS_LUA = """
local keys = {%s}
local ids = {%s}
request = function()
  local body = string.format('{"candidate_id": %%d}', ids[math.random(#ids)])
  wrk.headers["Authorization"] = "Bearer " .. keys[math.random(#keys)]
  wrk.headers["Content-Type"] = "application/json"
  return wrk.format("POST", "/api/v1/claims", nil, body)
end
"""


def check(condition, what):
    if not condition:
        raise SystemExit(f"check failed: {what}")


def bench(backend, args):
    # --reuse: the SQLite database and what the last run seeded, when there (pages and import
    # again without seeding for a quarter of an hour; the last import's rows stay in it).
    saved = os.path.join(WORK, "seeded.json")
    reuse = args.reuse and backend == "sqlite" and os.path.exists(saved)
    db = Database(backend, reuse)
    cli(db, "migrate")
    if reuse:
        with open(saved) as f:
            seeded = json.load(f)
        seed_seconds = seeded["seconds"]
    else:
        log(f"==> {backend}: seeding")
        t0 = time.time()
        seeded = json.loads(cli(db, "bench-seed", "--candidates", str(args.candidates),
                                "--claims", str(args.claims), "--ledger-rows", str(args.ledger_rows)))
        seed_seconds = seeded["seconds"] = time.time() - t0
        if backend == "sqlite":
            with open(saved, "w") as f:
                json.dump(seeded, f)
    instances = [Instance(db) for _ in range(1 if backend == "sqlite" else 2)]
    base = instances[0].base
    try:
        company = {"Cookie": sign_in(db, base, seeded["company_member"])}
        agency = {"Cookie": sign_in(db, base, seeded["agency_member"])}
        candidate = {"Cookie": sign_in(db, base, seeded["candidate"])}
        # A reused database has the admin from the run before.
        if not int(db.one("SELECT COUNT(*) FROM users WHERE email = 'bench-admin@career-relay.example'")):
            cli(db, "admin", "create-admin", "--email", "bench-admin@career-relay.example")
        admin = {"Cookie": sign_in(db, base, "bench-admin@career-relay.example")}
        keys = [json.loads(cli(db, "admin", "create-api-key", "--agency", str(a), "--json"))["key"]
                for a in seeded["agencies"]]
        api = {"Authorization": f"Bearer {keys[0]}"}

        # Every page shows what the database says it must.
        live = "NOT EXISTS (SELECT 1 FROM claims k WHERE k.candidate_id = c.id AND k.ended_at IS NULL)"
        newest = db.one(f"SELECT MAX(c.id) FROM candidates c WHERE c.in_pool = 1 AND {live}")
        status, _, body = http("GET", base + "/agency", agency)
        check(status == 200 and f"/agency/candidates/{newest}\"" in body, "the pool lists its newest candidate")
        filtered = db.one(f"SELECT MAX(c.id) FROM candidates c WHERE c.in_pool = 1 AND {live} AND c.prefecture = 13 "
                          "AND c.search_text LIKE '%経理%' AND EXISTS (SELECT 1 FROM candidate_job_types j "
                          "WHERE j.candidate_id = c.id AND j.job_type = 'accounting')")
        status, _, body = http("GET", base + "/agency?job_type=accounting&prefecture=13&q=%E7%B5%8C%E7%90%86", agency)
        check(status == 200 and f"/agency/candidates/{filtered}\"" in body, "the filtered pool lists its newest match")
        status, _, body = http("GET", base + "/agency?q=%E9%B0%BB%E4%B8%BC", agency)
        check(status == 200 and 'data-testid="pool-empty"' in body, "a keyword that matches nothing finds nothing")
        balance = db.one("SELECT SUM(amount) FROM credit_ledger WHERE company_id = 1")
        status, _, body = http("GET", base + "/company", company)
        check(status == 200 and f'data-testid="balance">{balance}<' in body, "the company sees its balance")
        name = db.one(f"SELECT name FROM candidates WHERE email = '{seeded['candidate']}'")
        status, _, body = http("GET", base + "/me", candidate)
        check(status == 200 and name in body, "the candidate sees their name")
        status, _, body = http("GET", base + "/company/numbers", company)
        check(status == 200 and 'data-testid="chart-funnel"' in body and "<svg" in body,
              "the company's numbers are charted")
        # This month's credits (the CSV's last row) are the ledger's own sums since the month began
        # (Japan time: nine hours ahead of UTC).
        jst = datetime.timezone(datetime.timedelta(hours=9))
        month = datetime.datetime.now(jst).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        since = int(month.timestamp())
        sums = [db.one(f"SELECT COALESCE(SUM({sign}amount), 0) FROM credit_ledger WHERE company_id = 1 "
                       f"AND kind IN ({kinds}) AND created_at >= {since}")
                for sign, kinds in [("", "'earned', 'placement_bonus'"),
                                    ("-", "'redeemed', 'refunded', 'placement_held', 'placement_released'"),
                                    ("-", "'expired'")]]
        status, _, body = http("GET", base + "/company/numbers.csv", company)
        last = body.strip().splitlines()[-1].split(",") if status == 200 else []
        check(last[-3:] == [str(int(n)) for n in sums],
              f"this month's credits are the ledger's ({last[-3:]} against {sums})")
        status, _, body = http("GET", base + "/admin/analytics", admin)
        check(status == 200 and 'data-testid="analytics-agencies"' in body, "the admin sees the analytics")
        status, _, body = http("GET", base + "/api/v1/pool", api)
        check(status == 200 and json.loads(body)["entries"][0]["id"] == int(newest), "the API's pool starts with the newest")

        pages = [
            ("public `/signin` (floor)", "/signin", {}),
            ("`/agency` pool, no filter", "/agency", agency),
            ("`/agency` job type + prefecture + 経理", "/agency?job_type=accounting&prefecture=13&q=%E7%B5%8C%E7%90%86", agency),
            ("`/agency?q=鰻丼` (matches nothing)", "/agency?q=%E9%B0%BB%E4%B8%BC", agency),
            ("`/company` referral status", "/company", company),
            ("`/me`", "/me", candidate),
            ("`/company/numbers` (12 months, 3 charts)", "/company/numbers", company),
            ("`/admin/analytics` (the platform's)", "/admin/analytics", admin),
            ("`GET /api/v1/pool`", "/api/v1/pool", api),
        ]
        connections = 64 // len(instances)
        rows = []
        for label, path, headers in pages:
            log(f"==> {backend}: {label}")
            rows.append((label, *load(instances, path, headers, connections, args.seconds),
                         max(i.peak_rss_mb() for i in instances)))
        # Claims under contention: every agency's key at once, on random pool candidates.
        ids = [int(x) for x in (db.one(f"SELECT string_agg(CAST(id AS TEXT), ',') FROM (SELECT c.id FROM candidates c "
                                         f"WHERE c.in_pool = 1 AND {live} ORDER BY c.id DESC LIMIT 2000) t")
                                  if backend == "postgres" else
                                  db.one(f"SELECT group_concat(id) FROM (SELECT c.id FROM candidates c WHERE c.in_pool = 1 "
                                         f"AND {live} ORDER BY c.id DESC LIMIT 2000)")).split(",")]
        lua = os.path.join(WORK, "claims.lua")
        with open(lua, "w") as f:
            f.write(CLAIMS_LUA % (",".join(f'"{k}"' for k in keys), ",".join(map(str, ids))))
        log(f"==> {backend}: claims under contention")
        rows.append(("`POST /api/v1/claims`, 20 agencies at once", *load(instances, "/", {}, connections, args.seconds, lua),
                     max(i.peak_rss_mb() for i in instances)))
        rss = max(i.peak_rss_mb() for i in instances)
        # The claims wrk dropped may still be queued for SQLite's single writer: the loaded
        # instances finish them and stop before another one starts (its start writes) to count
        # statements.
        logs = [i.stop() for i in instances]
        queries = {path: statements(db, path, headers) for _, path, headers in pages}
        queries["/"] = float("nan")
    finally:
        logs = [i.stop() for i in instances]
    panics = sum(l.count("panicked") for l in logs)
    floor = rows[0][1]
    print(f"\n### {backend}{' (two instances, ' + str(connections) + ' connections each)' if len(instances) > 1 else ' (64 connections)'}\n")
    # The peak RSS so far after each load: where the run's peak came from.
    print("| page | req/s | share of the floor | p50 | p99 | SQL statements per request | peak RSS so far |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for (label, rps, p50, p99, errors, peak), (_, path, _) in zip(rows, pages + [("", "/", {})]):
        q = queries.get(path, float("nan"))
        err = f" ({errors} errors)" if errors else ""
        print(f"| {label} | {rps:,.0f}{err} | {rps / floor:.0%} | {p50:.1f} ms | {p99:.1f} ms | "
              f"{'' if q != q else q} | {peak:.0f} MB |")
    print(f"\nSeeded {args.candidates:,} candidates, {args.claims:,} claims, {args.ledger_rows:,} ledger rows "
          f"in {seed_seconds:.0f} s; database {db.size() / 1e6:.0f} MB; server peak RSS {rss:.0f} MB; "
          f"panics in the server's log: {panics}.")
    if backend == "sqlite":
        browser_bundle(db)
    if args.import_rows and backend == "sqlite":
        import_csv(db, args)
    db.drop()


def browser_bundle(db):
    """The wasm bundle's size, and Lighthouse (mobile, Debian's Chromium) on a relay page."""
    pkg = os.path.join(ROOT, "target", "site", "pkg")
    wasm = [f for f in os.listdir(pkg) if f.endswith("_bg.wasm")]
    check(len(wasm) == 1, f"one wasm bundle in {pkg}: {wasm}")
    with open(os.path.join(pkg, wasm[0]), "rb") as f:
        data = f.read()
    print(f"\nBrowser bundle (release, after wasm-opt): {len(data) / 1024:,.0f} KB, "
          f"{len(gzip.compress(data, 9)) / 1024:,.0f} KB gzipped.")
    lighthouse = os.path.join(WORK, "lighthouse")
    cmd = os.path.join(lighthouse, "node_modules", ".bin", "lighthouse")
    if not os.path.exists(cmd):
        log("==> installing Lighthouse (npm)")
        os.makedirs(lighthouse, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", lighthouse, "--no-audit", "--no-fund", "lighthouse@12"],
                       check=True, capture_output=True)
    code = db.one("SELECT code FROM relay_links WHERE company_id = 1 AND revoked_at IS NULL")
    inst = Instance(db)
    try:
        report = os.path.join(WORK, "lighthouse.json")
        subprocess.run([cmd, f"{inst.base}/r/{code}", "--quiet", "--output=json", f"--output-path={report}",
                        "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
                       check=True, env=dict(os.environ, CHROME_PATH="/usr/bin/chromium"), capture_output=True)
    finally:
        inst.stop()
    with open(report) as f:
        result = json.load(f)
    scores = {k: round(v["score"] * 100) for k, v in result["categories"].items()}
    audits = result["audits"]
    print(f"Lighthouse (mobile) on a relay page: performance {scores['performance']}, accessibility "
          f"{scores['accessibility']}, best practices {scores['best-practices']}, SEO {scores['seo']}; "
          f"total blocking time {audits['total-blocking-time']['numericValue']:.0f} ms, "
          f"largest contentful paint {audits['largest-contentful-paint']['numericValue']:.0f} ms.")
    failed = [a["title"] for a in audits.values() if a.get("score") is not None and a["score"] < 1
              and a.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")]
    if failed:
        print("Lighthouse's findings: " + "; ".join(sorted(failed)[:12]) + ".")


def import_csv(db, args):
    """The CSV import of N rows in Shift_JIS, while others open relay pages and opt in."""
    inst = Instance(db)
    try:
        company = {"Cookie": sign_in(db, inst.base, "hr@company01.bench.example")}
        code = db.one("SELECT code FROM relay_links WHERE company_id = 3 AND revoked_at IS NULL")
        lines = ["応募ID,氏名,メールアドレス,応募職種,不採用日,電話番号"]
        run = int(time.time())  # new addresses on every run, also on a reused database
        for n in range(args.import_rows):
            lines.append(f"{n},山田 太郎{n},applicant{n:06}.{run}@import.example.jp,営業,2026/11/01,080{n:08d}")
        data = ("\r\n".join(lines) + "\r\n").encode("shift_jis")
        boundary = "benchboundary"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"export.csv\"\r\n"
                f"Content-Type: text/csv\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        status, headers, _ = http("POST", inst.base + "/company/import/upload",
                                  {**company, "Origin": inst.base, "Content-Type": f"multipart/form-data; boundary={boundary}"},
                                  body, timeout=600)
        check(status in (302, 303), f"upload answered {status}")
        page = headers["Location"]
        import_id = page.rsplit("/", 1)[1]
        latencies, failures, stop = [], [], threading.Event()

        def visitor(n):
            i = 0
            while not stop.is_set():
                t = time.time()
                try:
                    if i % 2 == 0:
                        s = http("GET", f"{inst.base}/r/{code}", timeout=120)[0]
                    else:
                        form = f"code={code}&email=visitor{n}x{i}%40bench.example.jp&handoff=on".encode()
                        s = http("POST", inst.base + "/api/opt_in", {"Origin": inst.base, "Accept": "text/html",
                                 "Content-Type": "application/x-www-form-urlencoded"}, form, timeout=120)[0]
                    (latencies if s in (200, 302, 303) else failures).append(time.time() - t)
                except OSError:
                    failures.append(time.time() - t)
                i += 1
                time.sleep(max(0.0, 1.0 - (time.time() - t)))

        visitors = [threading.Thread(target=visitor, args=(n,)) for n in range(4)]
        for v in visitors:
            v.start()
        form = f"import_id={import_id}&name=1&email=2&position=3&rejected_on=4&phone=5&identifier=0".encode()
        t0 = time.time()
        status = http("POST", inst.base + "/api/start_import", {**company, "Origin": inst.base, "Accept": "text/html",
                      "Content-Type": "application/x-www-form-urlencoded"}, form)[0]
        check(status in (302, 303), f"start answered {status}")
        progress_failures = 0
        while True:
            state = db.one(f"SELECT status FROM imports WHERE id = {import_id}")
            if state in ("done", "failed"):
                break
            if http("GET", inst.base + page, company, timeout=120)[0] != 200:
                progress_failures += 1
            time.sleep(1)
        seconds = time.time() - t0
        # Then its mails are released in short steps: the others keep going until it holds nothing.
        while state == "done" and db.one(f"SELECT held FROM imports WHERE id = {import_id}") == 1:
            if time.time() - t0 > seconds + 120:
                break
            time.sleep(0.5)
        released = time.time() - t0
        check(db.one(f"SELECT held FROM imports WHERE id = {import_id}") == 0, "the import's mails were not released")
        stop.set()
        for v in visitors:
            v.join()
        rss = inst.peak_rss_mb()
        invited = db.one(f"SELECT invited FROM imports WHERE id = {import_id}")
        check(state == "done" and invited == args.import_rows,
              f"the import ended {state} with {invited} of {args.import_rows} invited")
    finally:
        log_text = inst.stop()
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] if latencies else float("nan")
    print(f"\nCSV import of {args.import_rows:,} rows (Shift_JIS): {state} in {seconds:.1f} s (its mails released at {released:.1f} s), "
          f"server peak RSS {rss:.0f} MB; meanwhile {len(latencies)} relay-page opens and opt-ins answered (p99 {p99 * 1000:.0f} ms), "
          f"{len(failures)} failed, {progress_failures} progress pages failed; panics: {log_text.count('panicked')}.")


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    p.add_argument("--candidates", type=int, default=100_000)
    p.add_argument("--claims", type=int, default=5_000)
    p.add_argument("--ledger-rows", type=int, default=1_000_000)
    p.add_argument("--seconds", type=int, default=10)
    p.add_argument("--import-rows", type=int, default=100_000)
    p.add_argument("--quick", action="store_true", help="a smoke run: small data, short loads")
    p.add_argument("--reuse", action="store_true",
                   help="SQLite: run on the database the last run seeded (and imported into)")
    args = p.parse_args()
    os.makedirs(WORK, exist_ok=True)
    if args.quick:
        args.candidates, args.claims, args.ledger_rows, args.seconds, args.import_rows = 3_000, 200, 20_000, 2, 2_000
    print(f"Career Relay benchmark — {os.cpu_count()} cores, "
          f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, release build, wrk 2 threads")
    for backend in (["sqlite", "postgres"] if args.backend == "both" else [args.backend]):
        bench(backend, args)


if __name__ == "__main__":
    random.seed(1)
    main()
