"""Rendered dashboard sections, kept per process and keyed by the data version: never stale.

Every transaction that changes what the dashboard shows moves the version (increments.bump_version),
so a section rendered for version V is exactly what rendering it again would give while the
version is still V. Each worker keeps its own few entries; nothing here is needed by another.
"""

from collections import OrderedDict
from threading import Lock


class RenderCache:
    def __init__(self, size=64):
        self.size, self.entries, self.lock = size, OrderedDict(), Lock()
        self.generation = None

    def only(self, generation):
        """Forget every entry when `generation` is not the one they were kept for: keys of an
        older data version are never asked for again, and would only hold memory."""
        with self.lock:
            if generation != self.generation:
                self.entries.clear()
                self.generation = generation

    def get(self, key):
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def put(self, key, value):
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self):
        with self.lock:
            self.entries.clear()
