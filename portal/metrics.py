"""Prometheus metrics, served at /metrics."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

REQUESTS = Counter("mymachi_http_requests_total", "HTTP requests", ["method", "route", "status"])
REQUEST_SECONDS = Histogram("mymachi_http_request_seconds", "HTTP request latency", ["route"])
CRAWL_OUTCOMES = Counter("mymachi_crawl_outcomes_total", "Source fetches by outcome", ["outcome"])
FEEDS_SERVED = Counter("mymachi_feeds_served_total", "Personal feeds served", ["cache"])
