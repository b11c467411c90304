"""The training world (a school, a class, Siti and her teacher) for the notification tests."""

from tests.training.conftest import (  # noqa: F401 - fixtures shared with the training tests
    add_module,
    app_context,
    enrol,
    log,
    quick_password_hashes,
    session,
    training,
    verified,
)
