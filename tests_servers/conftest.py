"""One cluster for the whole run: two gunicorn servers and two job workers on one PostgreSQL and one Redis.

Without PostgreSQL or Redis the tests are skipped, with the reason; in CI (CI=true) they fail instead.
"""
import os

import pytest

from tests_servers.cluster import running_cluster, unreachable


@pytest.fixture(scope="session")
def cluster():
    """The running cluster (tests_servers/cluster.py)."""
    missing = unreachable()
    if missing:
        reason = "the two-server tests need " + " and ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(reason + ", and CI=true: they cannot be skipped", pytrace=False)
        pytest.skip(reason)
    with running_cluster() as running:
        yield running
