"""The benchmark behind bench/run (see docs/performance.md).

1. Builds the site in a throwaway var dir (or the DATABASE_URL/REDIS_URL given: both are
   emptied) at two sizes, counting each public page's SQL queries at both.
2. Starts gunicorn with the production settings (DEBUG off) and measures each page with
   wrk at 1, 8 and 32 connections, side by side with a static file of the same bytes
   served by WhiteNoise, then again with the page cache off.
3. Approves comments under load and checks the very next responses show them.

Exits 1 when a query count grows with the data, or a stale page was served.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
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


def cpu_per_request(paths, twin_paths, rounds=40):
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
            results[name]["render"] = timed(uncached, path, 3)
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
    """Approve a comment while the page is cached and under load: the next reads must show it."""
    from tests import dataset

    path = post.get_absolute_url()
    stop = threading.Event()

    def load():
        while not stop.is_set():
            wrk(server.url + path, 8, 1)

    loader = threading.Thread(target=load, daemon=True)
    loader.start()
    stale = checked = 0
    try:
        for number in range(rounds):
            text = f"Vérification de fraîcheur numéro {number} {time.time_ns()}"
            comment = dataset.pending_comment(post, text)
            server.get(path)
            status, headers, body = server.get(path)
            assert text not in body.decode(), "a pending comment was shown"
            comment.is_public = True
            comment.save()
            for _read in range(6):
                status, headers, body = server.get(path)
                checked += 1
                stale += text not in body.decode()
    finally:
        stop.set()
        loader.join()
    return stale, checked


def profile_uncached_post(post, var_dir):
    from django.test import Client
    from django.test.utils import override_settings
    from pyinstrument import Profiler

    client = Client(HTTP_HOST=HOST)
    with override_settings(PAGE_CACHE_SECONDS=0):
        client.get(post.get_absolute_url())
        profiler = Profiler()
        profiler.start()
        for _request in range(30):
            client.get(post.get_absolute_url())
        profiler.stop()
    text = profiler.output_text(unicode=False, color=False, show_all=False)
    (Path(var_dir) / "profile-post.txt").write_text(text)
    return text


# Report ------------------------------------------------------------------------------


def report_tables(
    title, results, twins, sizes, weights, connections, counts_small, counts_large, names
):
    lines = [f"### {title}", ""]
    header = "| Page | Bytes | Queries (small → large) |"
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

    print("bench: building the small site and counting queries")
    dataset.grow("small")
    post = dataset.bench_post()
    urls = dataset.public_urls(post)
    counts_small = count_queries(urls)
    print("bench: growing to the large site (200 posts, 300 comments) and counting again")
    post = dataset.grow("large")
    urls = dataset.public_urls(post)
    counts_large = count_queries(urls)
    weights = page_weights(urls)

    paths = dict(urls)
    measured = ["home", "blog list", "post with comments", "profile", "CV (PDF)"]
    measured = [name for name in measured if name in paths]

    # A static twin of each measured page: the same bytes, served by WhiteNoise.
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

    print("bench: CPU per request, in process")
    cpu = cpu_per_request([(n, paths[n]) for n in measured], twin_paths)

    failures = []
    try:
        print(f"bench: gunicorn, {args.workers} workers, page cache on")
        server = Server(args, var_dir, page_cache_seconds=600)
        try:
            cached = measure(server, [(n, paths[n]) for n in measured], connections, args.seconds)
            static = measure(server, list(twin_paths.items()), connections, args.seconds)
            cold = cold_cv(server) if "CV (PDF)" in paths else []
            print("bench: consistency check under load")
            stale, checked = consistency_check(server, post, args.rounds)
        finally:
            server.stop()
        print("bench: gunicorn, page cache off")
        server = Server(args, var_dir, page_cache_seconds=0)
        try:
            uncached = measure(
                server,
                [(n, paths[n]) for n in measured if n != "CV (PDF)"],
                connections,
                args.seconds,
            )
        finally:
            server.stop()
    finally:
        shutil.rmtree(twin_dir, ignore_errors=True)

    load = os.getloadavg()
    lines = [
        f"## {backend} + {cache_name} cache — {args.workers} gunicorn workers, wrk {args.seconds} s per cell",
        "",
        f"Machine: {os.cpu_count()} CPUs, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"
        " (1/5/15 min) when the run ended (other work was running on it).",
        "",
    ]
    lines += report_tables(
        "Page cache on (anonymous visitors)",
        cached,
        static,
        sizes,
        weights,
        connections,
        counts_small,
        counts_large,
        measured,
    )
    lines += ["", "Static twins (the same bytes served by WhiteNoise):", ""]
    for name in measured:
        lines.append(
            f"- {name}: "
            + ", ".join(
                f"{c} conn {r['rps']:.0f}/s p99 {r['p99']:.1f} ms" for c, r in static[name].items()
            )
        )
    if cold:
        lines += [
            "",
            f"CV (PDF) cold (profile just saved): {', '.join(f'{t:.0f}' for t in cold)} ms",
        ]
    lines += [""]
    lines += report_tables(
        "Page cache off",
        uncached,
        {},
        sizes,
        weights,
        connections,
        counts_small,
        counts_large,
        [n for n in measured if n != "CV (PDF)"],
    )
    lines += [
        "",
        "### CPU per request, in one process (independent of the machine's other load)",
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
    lines += ["", "### Queries per page (cache off) and weight", ""]
    lines += [
        "| Page | Status | Small | Large | HTML + CSS + JS bytes |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for name, _path in urls:
        status, small = counts_small.get(name, ("–", "–"))
        _status, large = counts_large.get(name, ("–", "–"))
        weight = weights.get(name)
        weight_text = (
            f"{sum(weight):,} ({weight[0]:,} + {weight[1]:,} + {weight[2]:,})" if weight else ""
        )
        flag = ""
        if small != large:
            flag = " ⚠ grows"
            failures.append(f"{name}: {small} → {large} queries")
        elif isinstance(large, int) and large > 10:
            flag = " ⚠ > 10"
        lines.append(f"| {name} | {status} | {small} | {large}{flag} | {weight_text} |")
    lines += [
        "",
        f"Consistency: {stale} stale responses out of {checked} reads right after an approval.",
    ]
    if stale:
        failures.append(f"{stale} stale responses")
    if args.profile:
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
