"""`eduplatform serve`'s worker hook: what the loaded app holds is frozen, out of the garbage
collector's walks, and young objects are collected less often (issue 21)."""

import gc

from eduplatform.ops import gunicorn_conf


def test_a_worker_freezes_the_loaded_app_and_raises_the_young_generation():
    before = gc.get_threshold()
    loaded = [{"a long-lived object": number} for number in range(1000)]
    try:
        gunicorn_conf.post_worker_init(worker=None)
        assert gc.get_freeze_count() >= len(loaded)
        assert gc.get_threshold() == gunicorn_conf.GC_THRESHOLDS
        assert all(tracked is not loaded for tracked in gc.get_objects())  # not walked
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
