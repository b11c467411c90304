"""Every page a role can open, and what a person reads on it: shared by the no-raw-text test
and the browser's overflow check. Pages come from the app's URL map (as tests/security walks
it), filled with the world's own-side ids, so a new page is checked without a change here."""

import re
from html.parser import HTMLParser

from tests.security.crawl import build_url

LANGUAGES = ("id", "en", "zh")
# Not pages for people: machine interfaces, files and the static API browser.
NOT_PAGES = ("/api/", "/static/", "/healthz", "/metrics", "/.well-known/")
READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
# What a browser asks for when a person opens a page: an address that answers machines too
# (an achievement's id) gives the page only to this.
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def page_urls(app, world, actor):
    """[(endpoint, url)] of every GET route outside NOT_PAGES, with own-side ids."""
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.rule.startswith(NOT_PAGES):
            continue
        if rule.endpoint == "api.docs":
            continue
        found.append((rule.endpoint, build_url(world, actor, rule, "own")))
    return found


def with_lang(url, lang):
    return f"{url}{'&' if '?' in url else '?'}lang={lang}"


class _Reader(HTMLParser):
    """Text nodes and the attributes people read (titles, labels, placeholders, alt texts)."""

    SKIPPED = {"script", "style", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.nodes, self._skipping = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self._skipping += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value and value.strip():
                self.nodes.append(value.strip())
            if tag == "input" and name == "value" and ("type", "submit") in attrs and value:
                self.nodes.append(value.strip())

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.nodes.append(" ".join(data.split()))


def read_nodes(html):
    """The texts a person reads on a page, one per text node or read attribute."""
    reader = _Reader()
    reader.feed(html)
    return reader.nodes


def main_html(html):
    """The page without <form>-field values and <time datetime=…> attributes: only what shows."""
    return re.sub(r"<textarea[^>]*>.*?</textarea>", "", html, flags=re.S)
