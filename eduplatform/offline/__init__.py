"""The installable web app: manifest, service worker, and what the phone may keep offline."""
