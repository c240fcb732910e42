"""Fault tests: private servers to kill (tests/faults/services.py) and the portal fixtures."""

from tests.faults.services import private_postgres, private_redis
from tests.portal.conftest import make_ctx

__all__ = ["make_ctx", "private_postgres", "private_redis"]
