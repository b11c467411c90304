"""The training area's fixtures (a class, a module, verified units) for the backup tests."""

from tests.training.conftest import (  # noqa: F401
    add_module,
    enrol,
    log,
    quick_password_hashes,
    session,
    training,
    verified,
)
