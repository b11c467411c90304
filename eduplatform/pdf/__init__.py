"""PDF documents the app makes: embedded fonts (fonts.py) and PDF/A-3 archival form (pdfa.py)."""
