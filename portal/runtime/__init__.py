"""The Redis-or-in-process pieces: cache, live broadcast, counters, jobs."""
