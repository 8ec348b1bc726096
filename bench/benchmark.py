"""The benchmark behind bench/run (see docs/performance.md).

1. Builds the site in a throwaway var dir (or the DATABASE_URL/REDIS_URL given: both are
   emptied) at two sizes, counting each public page's SQL queries at both.
2. Starts gunicorn with the production settings (DEBUG off) and measures each page with
   wrk at 1, 8 and 32 connections, side by side with a static file of the same bytes
   served by WhiteNoise, then again with the page cache off.
3. Approves comments under load and checks the very next responses show them.

`--scale large` measures all of it at the current size, then grows the site to 10,000
posts and 100,000 comments (tests/dataset_large.py) and measures it again, with the
admin screens, search, the sitemap and the workers' memory at both sizes.

Exits 1 when a query count grows with the data, or a stale page was served.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
HOST = "127.0.0.1"
LATENCY_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8150)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (make run's 3)")
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run")
    parser.add_argument("--connections", default="1,8,32")
    parser.add_argument("--var-dir", help="keep the site here instead of a temporary dir")
    parser.add_argument("--rounds", type=int, default=10, help="consistency check rounds")
    parser.add_argument("--profile", action="store_true", help="pyinstrument the uncached post")
    parser.add_argument("--output", help="also write the Markdown report to this file")
    parser.add_argument(
        "--scale",
        choices=["current", "large"],
        default="current",
        help="large: measure again at 10,000 posts and 100,000 comments (issue 15)",
    )
    return parser.parse_args()


def configure(args, var_dir):
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url and not re.search(r"bench|perf|test", database_url.rsplit("/", 1)[-1]):
        sys.exit(
            "bench: DATABASE_URL must name a throwaway database (…bench…/…perf…): it is emptied"
        )
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "portfolio.settings",
            "VITRINE_VAR_DIR": str(var_dir),
            "DJANGO_DEBUG": "false",
            "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost,testserver",
            "SITE_URL": f"http://{HOST}:{args.port}",
            "EMAIL_URL": "dummy://",
            "LOG_LEVEL": "WARNING",
            # No email worker runs here: the emails the consistency check queues would turn
            # /healthz, which the benchmark polls, into a 503 after QUEUE_STUCK_AFTER.
            "QUEUE_STUCK_AFTER": "86400",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# Counting ---------------------------------------------------------------------------


def count_queries(urls):
    """Queries per page with the page cache off (a warm-up call first: the CV has its own cache)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    counts = {}
    with override_settings(PAGE_CACHE_SECONDS=0):
        client = Client(HTTP_HOST=HOST)
        for name, path in urls:
            client.get(path)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            counts[name] = (response.status_code, len(queries))
    return counts


def page_weights(urls):
    """Bytes of HTML + CSS + JS per HTML page, before compression."""
    from django.test import Client
    from django.test.utils import override_settings

    weights = {}
    with override_settings(PAGE_CACHE_SECONDS=0):
        client = Client(HTTP_HOST=HOST)
        for name, path in urls:
            response = client.get(path)
            if response.status_code != 200:
                continue
            if not response["Content-Type"].startswith("text/html"):
                weights[name] = (len(response.content), 0, 0)
                continue
            html = response.content.decode()
            assets = {"css": 0, "js": 0}
            for kind, pattern in (
                ("css", r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"'),
                ("js", r'<script[^>]+src="([^"]+)"'),
            ):
                for href in re.findall(pattern, html):
                    asset = client.get(href)
                    assets[kind] += len(b"".join(asset.streaming_content))
            weights[name] = (len(response.content), assets["css"], assets["js"])
    return weights


def cpu_per_request(paths, twin_paths, rounds=40, render_rounds=3):
    """CPU milliseconds per request inside one process (no HTTP server, no other load).

    Unlike requests/s, this does not depend on what else the machine is doing.
    """
    import io

    from django.core.handlers.wsgi import WSGIHandler
    from django.test.utils import override_settings

    def call(application, path):
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": HOST,
            "SERVER_PORT": "80",
            "HTTP_HOST": HOST,
            "SERVER_PROTOCOL": "HTTP/1.1",
            # A visitor's browser, coming from another site: counted by the statistics.
            "HTTP_USER_AGENT": BROWSER,
            "HTTP_REFERER": "https://www.linkedin.com/feed/",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
        }
        body = application(environ, lambda status, headers, exc_info=None: None)
        for _chunk in body:
            pass
        body.close()

    def timed(application, path, count):
        call(application, path)
        started = time.process_time()
        for _round in range(count):
            call(application, path)
        return (time.process_time() - started) * 1000 / count

    results = {}
    cached = WSGIHandler()
    for name, path in paths:
        results[name] = {"hit": timed(cached, path, rounds), "static": None}
        if name in twin_paths:
            results[name]["static"] = timed(cached, twin_paths[name], rounds)
    # Counting's own cost, on many hits each way, alternated (the statistics' budget is
    # 0.05 ms a hit): the same page with counting on and off.
    name, path = paths[0]
    on, off = [], []
    for _round in range(10):
        on.append(timed(cached, path, rounds * 10))
        with override_settings(STATS_ENABLED=False):
            off.append(timed(cached, path, rounds * 10))
    results[name]["counting"] = (min(on), min(off))
    with override_settings(PAGE_CACHE_SECONDS=0):
        uncached = WSGIHandler()
        for name, path in paths:
            results[name]["render"] = timed(uncached, path, render_rounds)
    return results


# Serving and loading --------------------------------------------------------------


class Server:
    def __init__(self, args, var_dir, page_cache_seconds):
        self.url = f"http://{HOST}:{args.port}"
        env = dict(os.environ, PAGE_CACHE_SECONDS=str(page_cache_seconds))
        self.log = open(Path(var_dir) / "gunicorn.log", "ab")
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "portfolio.wsgi",
                "--bind",
                f"{HOST}:{args.port}",
                "--workers",
                str(args.workers),
                "--log-level",
                "warning",
                # The uncached post under 32 connections queues requests for a long time.
                "--timeout",
                "300",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=self.log,
        )
        for _attempt in range(100):
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"bench: gunicorn did not start, see {self.log.name}")

    def get(self, path):
        with urllib.request.urlopen(self.url + path, timeout=300) as response:
            return response.status, dict(response.headers), response.read()

    def worker_rss(self):
        """Resident memory of each worker (the master's children), in MB, from /proc."""
        sizes = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                fields = dict(
                    line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
                )
            except OSError:
                continue
            if fields.get("PPid", "").strip() == str(self.process.pid) and "VmRSS" in fields:
                sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
        return sorted(sizes)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)
        self.log.close()


def wrk(url, connections, seconds):
    output = subprocess.run(
        [
            "wrk",
            "-t",
            str(min(connections, 2)),
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--timeout",
            "10s",
            "--latency",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}
    for percentile in ("50", "99"):
        value, unit = re.search(rf"\s{percentile}%\s+([\d.]+)(us|ms|s|m)\b", output).groups()
        result[f"p{percentile}"] = float(value) * LATENCY_UNITS[unit]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors:.*timeout (\d+)", output)
    result["errors"] = int(errors.group(1)) if errors else 0
    result["errors"] += int(socket_errors.group(1)) if socket_errors else 0
    return result


def measure(server, targets, connections, seconds):
    """{name: {connections: result}} for each (name, path)."""
    results = {}
    for name, path in targets:
        server.get(path)
        results[name] = {}
        for count in connections:
            results[name][count] = wrk(server.url + path, count, seconds)
            # Let the requests wrk left queued drain before the next measure.
            server.get("/healthz")
        print(f"  {name}: " + ", ".join(f"{c}c {r['rps']:.0f}/s" for c, r in results[name].items()))
    return results


def cold_cv(server, rounds=3):
    """Milliseconds for a CV that nobody asked for since the profile changed."""
    from portfolio.models import Profile

    timings = []
    for _round in range(rounds):
        profile = Profile.objects.get()
        profile.save()
        started = time.perf_counter()
        server.get("/profile/cv.pdf")
        timings.append((time.perf_counter() - started) * 1000)
    return sorted(timings)


def consistency_check(server, post, rounds, seconds_of_load=None):
    """Approve a comment while the page is cached and under load: the next reads must show it.

    Each read is of the comment page that holds the new comment (a new thread lands on
    the last one while the comments are oldest first), not of the post's first page.
    """
    from comments.pages import comment_url
    from tests import dataset

    stop = threading.Event()
    stale = checked = 0
    loader = None
    try:
        for number in range(rounds):
            text = f"Vérification de fraîcheur numéro {number} {time.time_ns()}"
            comment = dataset.pending_comment(post, text)
            path = comment_url(comment, post).split("#")[0]
            if loader is None:

                def load(path=path):
                    while not stop.is_set():
                        wrk(server.url + path, 8, 1)

                loader = threading.Thread(target=load, daemon=True)
                loader.start()
            server.get(path)
            status, headers, body = server.get(path)
            assert text not in body.decode(), "a pending comment was shown"
            comment.is_public = True
            comment.save()
            # Approved, its thread may move to the next page (pending ones are not counted).
            path = comment_url(comment, post).split("#")[0]
            for _read in range(6):
                status, headers, body = server.get(path)
                checked += 1
                stale += text not in body.decode()
    finally:
        stop.set()
        if loader is not None:
            loader.join()
    return stale, checked


def profile_uncached_post(post, var_dir):
    from django.test import Client

    return profile_requests(Client(HTTP_HOST=HOST), post.get_absolute_url(), var_dir)


def profile_requests(client, path, var_dir, count=30, name="post", flat=False):
    """pyinstrument's call tree of `count` GETs of `path`, the page cache off.

    With `flat`, (own time per function, call tree): a request's tree starts with
    twenty middleware frames, the flat list says at once where the time goes.
    """
    from django.test.utils import override_settings
    from pyinstrument import Profiler

    with override_settings(PAGE_CACHE_SECONDS=0):
        client.get(path)
        profiler = Profiler()
        profiler.start()
        for _request in range(count):
            client.get(path)
        profiler.stop()
    text = profiler.output_text(unicode=False, color=False, show_all=False)
    (Path(var_dir) / f"profile-{name}.txt").write_text(text)
    if not flat:
        return text
    own = profiler.output_text(unicode=False, color=False, flat=True, time="percent_of_total")
    (Path(var_dir) / f"profile-{name}-flat.txt").write_text(own)
    return own, text


# At scale (--scale large) -------------------------------------------------------------

TARGETS = {
    "queries": 10,
    "render ms": 13,
    "render ratio": 1.3,
    "uncached req/s": 150,
    "× static": 0.8,
    "admin ms": 300,
    "admin queries": 20,
    "search p95 ms": 30,
    "worker MB": 150,
    "generation s": 180,
}


def admin_client():
    """A superuser's client, past the admin's second factor (as the tests open the admin)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from tests.factories import pass_second_factor

    user, _created = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    return pass_second_factor(Client(HTTP_HOST=HOST), user)


def admin_screens(long_post):
    """(name, path) of the admin screens issue 15 sets targets for."""
    from django.urls import reverse

    from comments.admin import QUEUE_ORDER

    queue = reverse("admin:comments_comment_changelist")
    return [
        ("dashboard (index)", reverse("admin:index")),
        ("post list", reverse("admin:blog_post_changelist")),
        ("comment queue, all", queue),
        *((f"comment queue, {name}", f"{queue}?queue={name}") for name in QUEUE_ORDER),
        ("comment queue, search", f"{queue}?q=merci"),
        ("contact messages", reverse("admin:portfolio_contactmessage_changelist")),
        ("post form, 60 blocks", reverse("admin:blog_post_change", args=[long_post.pk])),
    ]


def timed_requests(client, paths, runs=5):
    """{name: (status, queries, median ms of `runs`)} of each (name, path), after a warm-up."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    results = {}
    with override_settings(PAGE_CACHE_SECONDS=0):
        for name, path in paths:
            client.get(path)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            # Now: the log is emptied when the next request starts.
            count = len(queries)
            timings = []
            for _run in range(runs):
                started = time.perf_counter()
                client.get(path)
                timings.append((time.perf_counter() - started) * 1000)
            results[name] = (response.status_code, count, statistics.median(timings))
    return results


def measure_search(words):
    """p50 and p95 ms of one search per word (in process, cache off), its queries, hits."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import reverse

    from blog.search import search_posts

    client = Client(HTTP_HOST=HOST)
    path = reverse("blog:search")
    timings, queries, found = [], set(), 0
    with override_settings(PAGE_CACHE_SECONDS=0):
        client.get(path, {"q": words[0]})
        for word in words:
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(path, {"q": word})
                timings.append(((time.perf_counter() - started) * 1000, word))
            assert response.status_code == 200, word
            queries.add(len(captured))
            found += bool(search_posts(word)[:1])
    ranked = sorted(timings)
    return {
        "p50": statistics.median(ms for ms, _word in ranked),
        "p95": ranked[max(0, round(len(ranked) * 0.95) - 1)][0],
        "slowest": ranked[-1][1],
        "queries": sorted(queries),
        "searches": len(words),
        "found": found,
    }


def measure_sitemap():
    """What /sitemap.xml is (urlset or index), and the cost of the posts' last sitemap page."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    client = Client(HTTP_HOST=HOST)
    with override_settings(PAGE_CACHE_SECONDS=0):
        body = client.get("/sitemap.xml").content.decode()
        locations = re.findall(r"<loc>([^<]+)</loc>", body)
        is_index = "<sitemapindex" in body
        path = "/sitemap-posts.xml"
        posts = [location for location in locations if "/sitemap-posts.xml" in location]
        if is_index and posts:
            # The deepest page: the one whose items come after the most rows skipped.
            section = urllib.parse.urlsplit(posts[-1])
            path = section.path + (f"?{section.query}" if section.query else "")
        with CaptureQueriesContext(connection) as queries:
            section_body = client.get(path).content.decode()
        count = len(queries)
        timings = []
        for _run in range(3):
            started = time.perf_counter()
            client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
    return {
        "index": is_index,
        "entries": len(locations),
        "section": path,
        "section urls": section_body.count("<url>"),
        "section queries": count,
        "section ms": statistics.median(timings),
    }


def site_size():
    from blog.models import Post
    from comments.models import Comment

    return Post.objects.published().count(), Comment.objects.count()


# Report ------------------------------------------------------------------------------


def report_tables(
    title,
    results,
    twins,
    sizes,
    weights,
    connections,
    counts_small,
    counts_large,
    names,
    compared=("small", "large"),
):
    lines = [f"### {title}", ""]
    header = f"| Page | Bytes | Queries ({compared[0]} → {compared[1]}) |"
    rule = "| --- | ---: | ---: |"
    for count in connections:
        header += f" {count} conn: req/s (× static) | p50 / p99 ms |"
        rule += " ---: | ---: |"
    lines += [header, rule]
    for name in names:
        if name not in results:
            continue
        small = counts_small.get(name, ("", "–"))[1]
        large = counts_large.get(name, ("", "–"))[1]
        row = f"| {name} | {sizes.get(name, '')} | {small} → {large} |"
        for count in connections:
            result = results[name][count]
            twin = twins.get(name)
            ratio = f" (×{result['rps'] / twin[count]['rps']:.2f})" if twin else ""
            errors = f" ⚠ {result['errors']} errors" if result["errors"] else ""
            row += (
                f" {result['rps']:.0f}{ratio}{errors} | {result['p50']:.1f} / {result['p99']:.1f} |"
            )
        lines.append(row)
    return lines


def make_twins(settings, paths, measured):
    """A static twin of each measured page: the same bytes, served by WhiteNoise."""
    from django.test import Client

    twin_dir = Path(settings.STATIC_ROOT) / "bench"
    twin_dir.mkdir(exist_ok=True)
    client = Client(HTTP_HOST=HOST)
    sizes, twin_paths = {}, {}
    for number, name in enumerate(measured):
        body = client.get(paths[name]).content
        sizes[name] = len(body)
        (twin_dir / f"twin-{number}.bin").write_bytes(body)
        twin_paths[name] = f"/{settings.STATIC_URL.strip('/')}/bench/twin-{number}.bin"
    return twin_dir, sizes, twin_paths


def measure_site(args, var_dir, post, urls, measured, connections, label="", render_rounds=3):
    """Everything measured at one size: weights, CPU in process, wrk, consistency, memory."""
    from django.conf import settings

    paths = dict(urls)
    found = {"weights": page_weights(urls)}
    twin_dir, found["sizes"], twin_paths = make_twins(settings, paths, measured)
    print(f"bench{label}: CPU per request, in process")
    found["cpu"] = cpu_per_request(
        [(n, paths[n]) for n in measured], twin_paths, render_rounds=render_rounds
    )
    try:
        print(f"bench{label}: gunicorn, {args.workers} workers, page cache on")
        server = Server(args, var_dir, page_cache_seconds=600)
        try:
            targets = [(n, paths[n]) for n in measured]
            found["cached"] = measure(server, targets, connections, args.seconds)
            found["static"] = measure(server, list(twin_paths.items()), connections, args.seconds)
            found["cold"] = cold_cv(server) if "CV (PDF)" in paths else []
            print(f"bench{label}: consistency check under load")
            found["stale"], found["checked"] = consistency_check(server, post, args.rounds)
            found["rss cached"] = server.worker_rss()
        finally:
            server.stop()
        print(f"bench{label}: gunicorn, page cache off")
        server = Server(args, var_dir, page_cache_seconds=0)
        try:
            found["uncached"] = measure(
                server,
                [(n, paths[n]) for n in measured if n != "CV (PDF)"],
                connections,
                args.seconds,
            )
            found["rss uncached"] = server.worker_rss()
        finally:
            server.stop()
    finally:
        shutil.rmtree(twin_dir, ignore_errors=True)
    return found


def size_lines(
    title,
    found,
    urls,
    measured,
    connections,
    counts_before,
    counts_now,
    failures,
    compared=("small", "large"),
):
    """The report of one size: today's tables, queries from the size before to this one."""
    cached, static, uncached, cpu = (
        found["cached"],
        found["static"],
        found["uncached"],
        found["cpu"],
    )
    sizes, weights = found["sizes"], found["weights"]
    lines = report_tables(
        f"{title}Page cache on (anonymous visitors)",
        cached,
        static,
        sizes,
        weights,
        connections,
        counts_before,
        counts_now,
        measured,
        compared,
    )
    lines += ["", "Static twins (the same bytes served by WhiteNoise):", ""]
    for name in measured:
        lines.append(
            f"- {name}: "
            + ", ".join(
                f"{c} conn {r['rps']:.0f}/s p99 {r['p99']:.1f} ms" for c, r in static[name].items()
            )
        )
    if found["cold"]:
        lines += [
            "",
            f"CV (PDF) cold (profile just saved): {', '.join(f'{t:.0f}' for t in found['cold'])} ms",
        ]
    lines += [""]
    lines += report_tables(
        f"{title}Page cache off",
        uncached,
        {},
        sizes,
        weights,
        connections,
        counts_before,
        counts_now,
        [n for n in measured if n != "CV (PDF)"],
        compared,
    )
    lines += [
        "",
        f"### {title}CPU per request, in one process (independent of the machine's other load)",
        "",
        "| Page | Static twin ms | Cached hit ms | Rendered (cache off) ms | Hit ÷ static |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name in measured:
        cost = cpu[name]
        ratio = f"{cost['hit'] / cost['static']:.1f}" if cost["static"] else ""
        static_ms = f"{cost['static']:.2f}" if cost["static"] else ""
        lines.append(
            f"| {name} | {static_ms} | {cost['hit']:.2f} | {cost['render']:.1f} | {ratio} |"
        )
    counted = next(name for name in measured if "counting" in cpu[name])
    on, off = cpu[counted]["counting"]
    lines += [
        "",
        f"Statistics on a cached hit ({counted}, best of 10 runs of 400 hits each way):"
        f" {on:.3f} ms counted, {off:.3f} ms not counted, {on - off:+.3f} ms for counting.",
    ]
    lines += ["", f"### {title}Queries per page (cache off) and weight", ""]
    lines += [
        f"| Page | Status | {compared[0].capitalize()} | {compared[1].capitalize()}"
        " | HTML + CSS + JS bytes |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for name, _path in urls:
        status, small = counts_before.get(name, ("–", "–"))
        _status, large = counts_now.get(name, ("–", "–"))
        weight = weights.get(name)
        weight_text = (
            f"{sum(weight):,} ({weight[0]:,} + {weight[1]:,} + {weight[2]:,})" if weight else ""
        )
        flag = ""
        if small != large and name in counts_before:
            flag = " ⚠ grows"
            failures.append(f"{name}: {small} → {large} queries")
        elif isinstance(large, int) and large > TARGETS["queries"]:
            flag = " ⚠ > 10"
        lines.append(f"| {name} | {status} | {small} | {large}{flag} | {weight_text} |")
    lines += [
        "",
        f"Consistency: {found['stale']} stale responses out of {found['checked']} reads"
        " right after an approval.",
    ]
    if found["stale"]:
        failures.append(f"{title}{found['stale']} stale responses")
    return lines


def flag(miss, text="⚠"):
    return f" {text}" if miss else ""


def scale_lines(current, large, failures):
    """Current size beside the large one: the targets of issue 15, each miss flagged ⚠."""
    names = ("current", "large")
    lines = [
        f"### Current ({current['posts']:,} posts, {current['comments']:,} comments)"
        f" → large ({large['posts']:,} posts, {large['comments']:,} comments)",
        "",
        f"Large site generated in {large['generation']:.0f} s ("
        + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in large["steps"].items())
        + ")"
        + flag(large["generation"] > TARGETS["generation s"], "⚠ over 3 minutes")
        + ".",
        "",
        "Queries per page (cache off; target: the same at both sizes, at most 10):",
        "",
        "| Page | Current | Large |",
        "| --- | ---: | ---: |",
    ]
    for name in large["counts"]:
        before = current["counts"].get(name, ("", "–"))[1]
        after = large["counts"][name][1]
        miss = ""
        if before != after and name in current["counts"]:
            miss = " ⚠ grows"  # failures come from size_lines' table
        elif isinstance(after, int) and after > TARGETS["queries"]:
            miss = " ⚠ > 10"
        lines.append(f"| {name} | {before} | {after}{miss} |")
    lines += [
        "",
        "Uncached render, CPU ms in process (targets: at most 13 ms, large ≤ 1.3 × current),"
        " and wrk at 8 connections (targets: cache off 150 req/s, cache on ≥ × 0.8 of the"
        " static twin):",
        "",
        "| Page | Current ms | Large ms | Large ÷ current | Cache off req/s, current → large"
        " | Cache on × static, current → large |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in large["measured"]:
        render = [size["site"]["cpu"][name]["render"] for size in (current, large)]
        ratio = render[1] / render[0]
        rps, static_ratio = [], []
        for size in (current, large):
            off = size["site"]["uncached"].get(name, {}).get(8)
            rps.append(f"{off['rps']:.0f}{flag(off['rps'] < 150)}" if off else "–")
            on, twin = size["site"]["cached"][name].get(8), size["site"]["static"][name].get(8)
            value = on["rps"] / twin["rps"] if on and twin else None
            static_ratio.append(f"×{value:.2f}{flag(value < 0.8)}" if value else "–")
        lines.append(
            f"| {name} | {render[0]:.1f}{flag(render[0] > 13)} | {render[1]:.1f}{flag(render[1] > 13)}"
            f" | ×{ratio:.2f}{flag(ratio > TARGETS['render ratio'])}"
            f" | {rps[0]} → {rps[1]} | {static_ratio[0]} → {static_ratio[1]} |"
        )
    lines += [
        "",
        "Admin screens, in process, superuser past the second factor (median of 5;"
        " targets: under 300 ms, at most 20 queries, the same count at both sizes):",
        "",
        "| Screen | Current ms | Current queries | Large ms | Large queries |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, (status, queries, ms) in large["admin"].items():
        before = current["admin"].get(name, (0, "–", 0))
        grows = before[1] != queries
        if grows:
            failures.append(f"admin {name}: {before[1]} → {queries} queries")
        row = f"| {name}{'' if status == 200 else f' ({status})'}"
        row += f" | {before[2]:.0f}{flag(before[2] > 300)} | {before[1]}{flag(before[1] > 20)}"
        row += f" | {ms:.0f}{flag(ms > 300)} | {queries}{flag(queries > 20)}"
        lines.append(row + flag(grows, "⚠ grows") + " |")
    lines += [
        "",
        "Search, in process, cache off, one search per word (target: p95 under 30 ms):",
        "",
        "| Size | Searches | With results | p50 ms | p95 ms | Slowest word | Queries a search |",
        "| --- | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for name, size in zip(names, (current, large), strict=True):
        found = size["search"]
        lines.append(
            f"| {name} | {found['searches']} | {found['found']} | {found['p50']:.1f}"
            f" | {found['p95']:.1f}{flag(found['p95'] > 30)} | {found['slowest']}"
            f" | {', '.join(map(str, found['queries']))} |"
        )
    lines += ["", "Sitemap (target: an index past 1,000 URLs, a section page's cost constant):", ""]
    for name, size in zip(names, (current, large), strict=True):
        found = size["sitemap"]
        kind = "index of" if found["index"] else "urlset of"
        unit = "section pages" if found["index"] else "URLs"
        lines.append(
            f"- {name}: /sitemap.xml is an {kind} {found['entries']:,} {unit};"
            f" {found['section']}: {found['section urls']:,} URLs,"
            f" {found['section queries']} queries, {found['section ms']:.0f} ms"
        )
    feeds = [name for name in large["counts"] if name.startswith("feed")]
    lines.append(
        "- feeds: "
        + ", ".join(
            f"{name} {current['counts'][name][1]} → {large['counts'][name][1]} queries"
            for name in feeds
        )
    )
    lines += ["", "Memory of each gunicorn worker after the large run (target: under 150 MB):", ""]
    for server in ("cached", "uncached"):
        sizes = large["site"][f"rss {server}"]
        lines.append(
            f"- page cache {'on' if server == 'cached' else 'off'}: "
            + ", ".join(f"{mb:.0f}{flag(mb > 150)}" for mb in sizes)
            + " MB"
        )
    return lines


def worst_misses(size):
    """The measure that misses its target most, of each kind: (× target, what, path, admin?)."""
    renders = [
        (
            size["site"]["cpu"][name]["render"] / TARGETS["render ms"],
            f"uncached {name}",
            path,
            False,
        )
        for name, path in size["urls"]
        if name in size["measured"] and name != "CV (PDF)"
    ]
    admin = [
        (ms / TARGETS["admin ms"], f"admin {name}", path, True)
        for (name, path), (_status, _queries, ms) in zip(
            size["admin screens"], size["admin"].values(), strict=True
        )
    ]
    search = size["search"]
    word = search["slowest"]
    searches = [
        (
            search["p95"] / TARGETS["search p95 ms"],
            f"search for {word}",
            f"/blog/search/?q={urllib.parse.quote(word)}",
            False,
        )
    ]
    return [max(kind) for kind in (renders, admin, searches)]


def slowest_queries(client, path, top=3):
    """The `top` slowest SELECTs of one GET of `path` (cache off), each run again alone.

    Timed with every row fetched: SQLite computes rows while they are fetched, so the
    time Django logs for a statement (its execute() only) can miss most of its cost.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    with override_settings(PAGE_CACHE_SECONDS=0), CaptureQueriesContext(connection) as queries:
        client.get(path)
    timed = []
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            if not query["sql"].startswith("SELECT"):
                continue
            started = time.perf_counter()
            cursor.execute(query["sql"])
            cursor.fetchall()
            timed.append(((time.perf_counter() - started) * 1000, query["sql"]))
    timed.sort(reverse=True)
    return [f"{ms:.0f} ms: {shortened(sql)}" for ms, sql in timed[:top]]


def shortened(sql, length=700):
    """The statement without its plain selected columns (what it computes and filters stays)."""
    if not sql.startswith("SELECT "):
        return sql[:length]
    items, depth, begin = [], 0, len("SELECT ")
    for index, character in enumerate(sql):
        depth += {"(": 1, ")": -1}.get(character, 0)
        if depth == 0 and (character == "," or sql.startswith(" FROM ", index)):
            items.append(sql[begin:index].strip())
            begin = index + 1
            if character != ",":
                rest = sql[index:]
                break
    else:
        return sql[:length]
    column = re.compile(r'(\w+|"\w+")\."\w+"')
    computed = [item for item in items if not column.fullmatch(item)]
    elided = ["…"] if len(computed) < len(items) else []
    sql = "SELECT " + ", ".join([*elided, *computed]) + rest
    return sql if len(sql) <= length else sql[:length] + " …"


def extras(admin, screens, words):
    """Admin screens, search and sitemap at one size (in process)."""
    return {
        "admin screens": screens,
        "admin": timed_requests(admin, screens),
        "search": measure_search(words),
        "sitemap": measure_sitemap(),
    }


def profile_misses(size, admin, var_dir):
    """pyinstrument and the slowest queries of the worst miss of each kind, ~15 s each."""
    from django.test import Client
    from django.utils.text import slugify

    profiles = []
    for miss, what, path, is_admin in worst_misses(size):
        client = admin if is_admin else Client(HTTP_HOST=HOST)
        _status, _queries, ms = timed_requests(client, [(what, path)], runs=1)[what]
        count = max(1, min(30, int(15_000 / max(ms, 1))))
        print(f"bench: profiling {what} ({miss:.1f} × its target), {count} requests")
        own, tree = profile_requests(client, path, var_dir, count, slugify(what), flat=True)
        profiles.append((what, miss, count, own, tree, slowest_queries(client, path)))
    return profiles


def main():
    args = parse_args()
    connections = [int(count) for count in args.connections.split(",")]
    var_dir = Path(args.var_dir or tempfile.mkdtemp(prefix="vitrine-bench-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    configure(args, var_dir)

    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command

    from tests import dataset

    backend = "PostgreSQL" if "postgresql" in settings.DATABASES["default"]["ENGINE"] else "SQLite"
    cache_name = "Redis" if "redis" in settings.CACHES["default"]["BACKEND"].lower() else "files"
    print(f"bench: {backend} + {cache_name} cache, site in {var_dir}")
    call_command("migrate", verbosity=0)
    if backend == "PostgreSQL":
        call_command("flush", interactive=False, verbosity=0)
    cache.clear()
    call_command("collectstatic", interactive=False, verbosity=0)
    at_scale = args.scale == "large"

    print("bench: building the small site and counting queries")
    dataset.grow("small")
    post = dataset.bench_post()
    urls = dataset.public_urls(post)
    counts_small = count_queries(urls)
    print("bench: growing to the large site (200 posts, 300 comments) and counting again")
    post = dataset.grow("large")
    measured = ["home", "blog list", "post with comments", "profile", "CV (PDF)"]
    if at_scale:
        from comments.models import Comment
        from tests import dataset_large

        # Both sizes have the post the admin form is measured on, and a post without comments.
        long_post = dataset_large.add_long_post()
        # A few comments of every fate and some messages: at the current size too, each
        # admin list has rows (an empty list skips the queries its rows cost).
        comments = Comment.objects.count()
        dataset_large.build(
            post,
            posts=0,
            comments=comments + 60,
            busy_comments=Comment.objects.for_post(post).count() + 60,
            messages=50,
        )
        quiet = type(post).objects.get(slug=f"{dataset.COPY_PREFIX}0")
        admin = admin_client()
        screens = admin_screens(long_post)
        words = dataset_large.search_words()
        measured.insert(3, "post without comments")
    urls = dataset.public_urls(post)
    if at_scale:
        urls += [
            ("post without comments", quiet.get_absolute_url()),
            ("comment page 2", post.get_comment_page_url(2)),
            ("sitemap section", "/sitemap-posts.xml"),
        ]
    counts_large = count_queries(urls)
    paths = dict(urls)
    measured = [name for name in measured if name in paths]
    render_rounds = 10 if at_scale else 3

    failures = []
    label = " (current)" if at_scale else ""
    site = measure_site(args, var_dir, post, urls, measured, connections, label, render_rounds)

    lines = [
        f"## {backend} + {cache_name} cache — {args.workers} gunicorn workers, wrk {args.seconds} s per cell",
        "",
    ]
    title = ""
    if at_scale:
        posts, comments = site_size()
        title = "Current size: "
        lines += [f"Current size: {posts:,} published posts, {comments:,} comments.", ""]
    lines += size_lines(
        title,
        site,
        urls,
        measured,
        connections,
        counts_small,
        counts_large,
        failures,
        ("small", "current") if at_scale else ("small", "large"),
    )
    profiles = []
    if at_scale:
        current = {
            "posts": posts,
            "comments": comments,
            "counts": counts_large,
            "site": site,
            "measured": measured,
            "urls": urls,
        }
        print("bench (current): admin screens, search, sitemap")
        current.update(extras(admin, screens, words))

        print("bench: growing to 10,000 posts and 100,000 comments (tests/dataset_large.py)")
        started = time.perf_counter()
        steps = dataset_large.build(post)
        generation = time.perf_counter() - started
        print(f"bench: large site generated in {generation:.0f} s: {steps}")
        posts, comments = site_size()
        counts_huge = count_queries(urls)
        big = measure_site(
            args, var_dir, post, urls, measured, connections, " (large)", render_rounds
        )
        print("bench (large): admin screens, search, sitemap")
        large = {
            "posts": posts,
            "comments": comments,
            "counts": counts_huge,
            "site": big,
            "measured": measured,
            "urls": urls,
            "generation": generation,
            "steps": steps,
            **extras(admin, screens, words),
        }
        lines += ["", f"Large size: {posts:,} published posts, {comments:,} comments.", ""]
        lines += size_lines(
            "Large size: ",
            big,
            urls,
            measured,
            connections,
            counts_large,
            counts_huge,
            failures,
            ("current", "large"),
        )
        lines += [""] + scale_lines(current, large, failures)
        if args.profile:
            profiles = profile_misses(large, admin, var_dir)

    load = os.getloadavg()
    lines[1:1] = [
        "",
        f"Machine: {os.cpu_count()} CPUs, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"
        " (1/5/15 min) when the run ended (other work was running on it).",
    ]
    for what, miss, count, own, tree, queries in profiles:
        lines += [
            "",
            f"Profile of {what}, {miss:.1f} × its target (pyinstrument, {count} requests):",
        ]
        lines += ["", "Own time per function:", "", "```"] + own.splitlines()[:30] + ["```"]
        lines += ["", "Call tree:", "", "```"] + tree.splitlines()[:70] + ["```"]
        lines += ["", "Its slowest queries:", ""] + [f"- `{query}`" for query in queries]
    if args.profile and not at_scale:
        lines += ["", "Profile of the uncached post (pyinstrument, 30 requests):", "", "```"]
        lines += profile_uncached_post(post, var_dir).splitlines()[:60] + ["```"]

    report = "\n".join(lines)
    print()
    print(report)
    (var_dir / "report.md").write_text(report)
    if args.output:
        Path(args.output).write_text(report)
    if failures:
        print("\nbench: FAILED: " + "; ".join(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
