"""Django's Redis cache, without a new client object for every call.

Django's ``RedisCacheClient.get_client`` builds a ``redis.Redis`` for each get and
set (setting up its ~170 response callbacks each time): about a third of a
millisecond of CPU per call, several calls per verification. One client per
connection pool does the same work; ``redis.Redis`` is safe to share.
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
