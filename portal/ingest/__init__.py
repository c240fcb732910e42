"""Crawl orchestration, sources, storing article records, JMA alerts."""
