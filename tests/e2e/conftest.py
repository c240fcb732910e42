from tests.portal.conftest import client_for, demo_city, make_ctx  # noqa: F401
