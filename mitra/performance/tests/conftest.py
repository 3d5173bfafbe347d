import pytest
from django.test import Client

from mitra.core.models import User
from mitra.demo.loader import load_organisation
from mitra.demo.performance import load_performance


@pytest.fixture
def perf(db):
    """The organisation and the 2017 performance data only (independent of the other areas' demo loaders)."""
    load_organisation()
    load_performance()


@pytest.fixture
def perf_user(perf):
    def get(username: str) -> User:
        return User.objects.select_related("unit").get(username=username)

    return get


@pytest.fixture
def perf_client(perf_user):
    def make(username: str) -> Client:
        client = Client()
        client.force_login(perf_user(username))
        return client

    return make
