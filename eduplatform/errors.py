"""Refusals that services raise and every interface (forms, CLI, API) reports the same way."""


class Invalid(Exception):
    """Input refused; nothing was written. `errors` name the field (and row) of each problem."""

    def __init__(self, errors):
        if isinstance(errors, str):
            errors = [{"field": None, "message": errors}]
        self.errors = [dict(e) for e in errors]
        super().__init__("; ".join(str(e["message"]) for e in self.errors))

    @classmethod
    def field(cls, field, message):
        return cls([{"field": field, "message": message}])

    def for_field(self, field):
        return [e["message"] for e in self.errors if e.get("field") == field]


class Conflict(Exception):
    """The request lost a race or clashes with the current state (HTTP 409)."""
