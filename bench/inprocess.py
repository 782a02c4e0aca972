"""Measure one seeded database from inside the application process.

``run.py`` starts this once per part, with ``DATABASE_URL`` and ``FLASK_*``
pointing at a scratch database, so each part begins with cold caches:

- ``http``: server time of the search fragment and of the full first page
  through the Flask test client, transfer sizes, and a breakdown of where a
  request spends its time (form, SQL, ORM, Jinja, compression);
- ``sql``: the bare search SQL (``count_matches`` and ``matching_ids``) and
  the catalogue page load (the same plus the ORM load of the rows).

The result is written as JSON to the path given with ``--out``: the app logs
to stdout, so stdout is not ours.
"""

import argparse
import cProfile
import functools
import gzip
import io
import json
import pstats
import re
from collections import defaultdict
from html.parser import HTMLParser
from time import perf_counter, thread_time
from urllib.parse import urljoin, urlsplit

from workload import (
    FRAGMENT_HEADERS,
    PAGE_HEADERS,
    PAGE_REPEATS,
    QUERIES,
    SEARCH_ROUNDS,
    label_for,
    path_for,
    summarize,
)

#: What Chromium sends; Flask-Compress may pick another coding than gzip.
BROWSER_ENCODINGS = "gzip, deflate, br, zstd"
#: A query no list entry uses, so the warm-up leaves their caches cold.
WARMUP_ARGS = {"q": "zzwarmup"}


def timed_get(client, path, headers=None, cpu=None):
    """GET ``path``; return milliseconds and the response. CPU milliseconds
    of this thread (the app and SQLite run in it) go to ``cpu`` if given:
    unlike wall time they hardly change when other work shares the cores."""
    start, start_cpu = perf_counter(), thread_time()
    response = client.get(path, headers=headers or {})
    response.get_data()
    elapsed = (perf_counter() - start) * 1000
    if cpu is not None:
        cpu.append((thread_time() - start_cpu) * 1000)
    return elapsed, response


def decoded(response):
    """The response body as text, gunzipped when the server compressed it."""
    body = response.get_data()
    if response.headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return body.decode()


def check_fragment(response, path):
    body = decoded(response)
    if response.status_code != 200 or 'id="program-rows"' not in body:
        raise SystemExit(f"{path}: status {response.status_code}, no #program-rows")
    if "<html" in body:
        raise SystemExit(f"{path}: a whole page came back for HX-Request")


def check_page(response, path):
    if response.status_code != 200 or "<html" not in decoded(response):
        raise SystemExit(f"{path}: status {response.status_code}, not a page")


# -- server time ------------------------------------------------------------


def measure_http(client):
    """Cold and warm server time of the fragment mix and the first page."""
    paths = [path_for(args) for _, args in QUERIES]
    first_ms, response = timed_get(client, path_for(WARMUP_ARGS), PAGE_HEADERS)
    check_page(response, "warm-up")
    timed_get(client, path_for(WARMUP_ARGS), FRAGMENT_HEADERS)

    cold = {}
    for path in paths:
        cold[path], response = timed_get(client, path, FRAGMENT_HEADERS)
        check_fragment(response, path)
    page_cold, response = timed_get(client, "/program", PAGE_HEADERS)
    check_page(response, "/program")

    for path in paths:
        timed_get(client, path, FRAGMENT_HEADERS)
    for _ in range(5):
        timed_get(client, "/program", PAGE_HEADERS)

    warm, warm_cpu, page_cpu = defaultdict(list), [], []
    for _ in range(SEARCH_ROUNDS):
        for path in paths:
            ms = timed_get(client, path, FRAGMENT_HEADERS, warm_cpu)[0]
            warm[path].append(ms)
    page_warm = [
        timed_get(client, "/program", PAGE_HEADERS, page_cpu)[0]
        for _ in range(PAGE_REPEATS)
    ]

    return {
        "first_request_ms": first_ms,
        "fragment_cold": summarize(list(cold.values())),
        "fragment_warm": summarize([ms for v in warm.values() for ms in v]),
        "page_cold": summarize([page_cold]),
        "page_warm": summarize(page_warm),
        "fragment_warm_cpu": summarize(warm_cpu),
        "page_warm_cpu": summarize(page_cpu),
        "per_query": {
            path: {"cold": cold[path], **summarize(warm[path])} for path in paths
        },
    }


# -- bytes ------------------------------------------------------------------


class AssetFinder(HTMLParser):
    """Collect the same-origin assets a page makes the browser fetch."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        url = None
        if tag == "link" and {"stylesheet", "icon", "preload", "modulepreload"} & set(
            (attrs.get("rel") or "").split()
        ):
            url = attrs.get("href")
        elif tag in ("script", "img", "source") and attrs.get("src"):
            url = attrs["src"]
        if url and url.startswith("/") and not url.startswith("//"):
            self.urls.append(url)


def css_urls(base, css):
    """Same-origin ``url(...)`` and ``@import`` references of a stylesheet."""
    found = re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", css)
    found += re.findall(r"@import\s+['\"]([^'\"]+)['\"]", css)
    urls = []
    for url in found:
        if url.startswith("data:") or urlsplit(url).netloc:
            continue
        urls.append(urljoin(base, url))
    return urls


def header_bytes(response):
    """Approximate bytes of the status line and headers on the wire."""
    lines = [f"HTTP/1.1 {response.status}"]
    lines += [f"{key}: {value}" for key, value in response.headers.items()]
    return len("\r\n".join(lines)) + 4


def transfer(client, path, headers=None):
    """Sizes of one response: raw, gzip -6, and what the server sends."""
    headers = {k: v for k, v in (headers or {}).items() if k != "Accept-Encoding"}
    plain = client.get(path, headers=headers)
    body = plain.get_data()
    result = {
        "path": path,
        "status": plain.status_code,
        "raw": len(body),
        "gzip": len(gzip.compress(body, 6)),
        "cache_control": plain.headers.get("Cache-Control", ""),
        "headers": header_bytes(plain),
        "body": body,
    }
    validators = {
        "If-None-Match": plain.headers.get("ETag"),
        "If-Modified-Since": plain.headers.get("Last-Modified"),
    }
    validators = {k: v for k, v in validators.items() if v}
    if validators:
        again = client.get(path, headers={**headers, **validators})
        result["revalidate"] = {
            "status": again.status_code,
            "bytes": header_bytes(again) + len(again.get_data()),
        }
    for name, encodings in (("gzip_client", "gzip"), ("browser", BROWSER_ENCODINGS)):
        response = client.get(path, headers={**headers, "Accept-Encoding": encodings})
        result[name] = {
            "bytes": len(response.get_data()),
            "encoding": response.headers.get("Content-Encoding", "identity"),
        }
    return result


def measure_bytes(client):
    """First visit, repeat visit and fragment sizes."""
    page = transfer(client, "/program")
    finder = AssetFinder()
    finder.feed(page["body"].decode())
    queue, assets, seen = list(finder.urls), [], set()
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        asset = transfer(client, url)
        if url.split("?")[0].endswith(".css"):
            queue += css_urls(url, asset["body"].decode())
        assets.append(asset)
    fragments = [
        transfer(client, path_for(args), FRAGMENT_HEADERS) for _, args in QUERIES
    ]
    for item in [page, *assets, *fragments]:
        del item["body"]
    return {"page": page, "assets": assets, "fragments": fragments}


# -- where the time goes ----------------------------------------------------


class Buckets:
    """Wall-clock totals of wrapped calls, keyed by (outermost, name)."""

    def __init__(self):
        self.totals = defaultdict(float)
        self.counts = defaultdict(int)
        self.stack = []

    def add(self, name, seconds):
        outer = self.stack[0] if self.stack else None
        self.totals[(outer, name)] += seconds
        self.counts[(outer, name)] += 1

    def wrap(self, name, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            self.stack.append(name)
            start = perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                self.stack.pop()
                self.add(name, perf_counter() - start)

        return wrapper


def instrument(app):
    """Wrap the steps of the catalogue view in timers; return the buckets."""
    from sqlalchemy import event

    import kerapu.services.catalogue as catalogue
    import kerapu.services.search as search
    import kerapu.web as web
    from kerapu.extensions import db
    from kerapu.public import views
    from kerapu.public.forms import ProgramFilterForm

    buckets = Buckets()
    ProgramFilterForm.__init__ = buckets.wrap("form build", ProgramFilterForm.__init__)
    ProgramFilterForm.validate = buckets.wrap(
        "form validate", ProgramFilterForm.validate
    )
    catalogue.search_catalogue = buckets.wrap("catalogue", catalogue.search_catalogue)
    search.count_matches = buckets.wrap("search count", search.count_matches)
    search.matching_ids = buckets.wrap("search ids", search.matching_ids)
    views.listing_url = buckets.wrap("listing_url", views.listing_url)
    web.render_block = buckets.wrap("render", web.render_block)
    web.render_template = buckets.wrap("render", web.render_template)
    for name in ("number", "rupiah"):
        app.jinja_env.filters[name] = buckets.wrap(
            "babel filters", app.jinja_env.filters[name]
        )
    app.jinja_env.globals["url_for"] = buckets.wrap(
        "url_for", app.jinja_env.globals["url_for"]
    )
    functions = app.after_request_funcs.get(None, [])
    for index, func in enumerate(functions):
        if type(getattr(func, "__self__", None)).__name__ == "Compress":
            functions[index] = buckets.wrap("compress", func)

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _start(conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_start"] = perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _stop(conn, cursor, statement, parameters, context, executemany):
        buckets.add("sql driver", perf_counter() - conn.info.pop("bench_start"))

    return buckets


def breakdown(client, buckets, paths, headers, repeats):
    """Mean milliseconds per request in each bucket over ``repeats`` rounds."""
    buckets.totals.clear()
    buckets.counts.clear()
    total = 0.0
    for _ in range(repeats):
        for path in paths:
            total += timed_get(client, path, headers)[0]
    requests = repeats * len(paths)
    per_request = {
        f"{outer or ''}>{name}": seconds * 1000 / requests
        for (outer, name), seconds in buckets.totals.items()
    }
    statements = sum(
        count for (_, name), count in buckets.counts.items() if name == "sql driver"
    )
    return {
        "total": total / requests,
        "parts": per_request,
        "statements": statements / requests,
    }


def profile(client, paths, headers, repeats):
    """cProfile the warm requests; the top functions as text."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeats):
        for path in paths:
            client.get(path, headers=headers).get_data()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)
    return out.getvalue()


# -- bare SQL ---------------------------------------------------------------


def criteria_for(args):
    """The search criteria the catalogue view builds for ``args``."""
    from kerapu.services.search import Criteria, query_tokens

    q = args.get("q", "")
    return Criteria(
        tokens=query_tokens(q),
        province_code=args.get("provinsi") or None,
        unmatchable=bool(q.strip()) and not query_tokens(q),
    )


def measure_sql(app):
    """Cold and warm time of the search SQL and of the catalogue page load."""
    from sqlalchemy import text

    from kerapu.extensions import db
    from kerapu.services import catalogue, search

    cold, warm, pages, matches = {}, defaultdict(list), [], {}
    count_ms, ids_ms, cpu = [], [], []
    with app.app_context():
        db.session.execute(text("SELECT 1"))
        db.session.remove()

        def run(args):
            criteria = criteria_for(args)
            start, start_cpu = perf_counter(), thread_time()
            total = search.count_matches(criteria)
            middle = perf_counter()
            search.matching_ids(criteria, 10, 0)
            end = perf_counter()
            cpu.append((thread_time() - start_cpu) * 1000)
            db.session.remove()
            return total, (middle - start) * 1000, (end - middle) * 1000

        for _, args in QUERIES:
            total, count, ids = run(args)
            cold[path_for(args)] = count + ids
            matches[path_for(args)] = total
        cpu.clear()
        for _ in range(SEARCH_ROUNDS):
            for _, args in QUERIES:
                _, count, ids = run(args)
                warm[path_for(args)].append(count + ids)
                count_ms.append(count)
                ids_ms.append(ids)
        for _ in range(SEARCH_ROUNDS):
            for _, args in QUERIES:
                start = perf_counter()
                catalogue.search_catalogue(criteria_for(args), 1, 10)
                pages.append((perf_counter() - start) * 1000)
                db.session.remove()
    return {
        "sql_cold": summarize(list(cold.values())),
        "sql_warm": summarize([ms for v in warm.values() for ms in v]),
        "sql_warm_cpu": summarize(cpu),
        "count_warm": summarize(count_ms),
        "ids_warm": summarize(ids_ms),
        "catalogue_warm": summarize(pages),
        "per_query": {
            path: {"cold": cold[path], "matches": matches[path], **summarize(v)}
            for path, v in warm.items()
        },
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", choices=["http", "sql"])
    parser.add_argument("--out", required=True)
    parser.add_argument("--profile", action="store_true")
    options = parser.parse_args()

    from kerapu import create_app

    # Measure the work itself: without the shared response cache, every
    # request renders (the throughput part measures both ways).
    app = create_app({"SHARED_RESPONSES": False})
    if options.part == "sql":
        result = measure_sql(app)
    else:
        client = app.test_client()
        result = measure_http(client)
        result["bytes"] = measure_bytes(client)
        per_query = result["per_query"]
        slowest = max(per_query, key=lambda path: per_query[path]["p50"])
        paths = [path_for(args) for _, args in QUERIES]
        if options.profile:
            result["profile"] = profile(client, [slowest], FRAGMENT_HEADERS, 60)
        buckets = instrument(app)
        result["slowest"] = slowest
        result["breakdown"] = {
            "search mix": breakdown(client, buckets, paths, FRAGMENT_HEADERS, 5),
            f"slowest {slowest}": breakdown(
                client, buckets, [slowest], FRAGMENT_HEADERS, 60
            ),
            "first page /program": breakdown(
                client, buckets, ["/program"], PAGE_HEADERS, 60
            ),
        }
        result["labels"] = {path_for(args): label_for(args) for _, args in QUERIES}
    with open(options.out, "w") as handle:
        json.dump(result, handle)


if __name__ == "__main__":
    main()
