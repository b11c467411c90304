"""The load test (`make loadtest`): Locust against `eduplatform serve` on PostgreSQL and Redis.

seed.py prepares the data and the simulated people's signed-in sessions, locustfile.py is what
they do, report.py turns the requests into per-step figures, run.py ties it together.
"""
