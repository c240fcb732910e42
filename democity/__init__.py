"""The bundled demo city (若葉野市): department sites, feeds and articles for `mymachi demo`."""

from democity.articles import Article, generate_articles
from democity.city import CITY, City, Department, Ward
from democity.corpus import write_corpus
from democity.server import DemoCity, start_demo_city

__all__ = ["CITY", "Article", "City", "DemoCity", "Department", "Ward", "generate_articles",
           "start_demo_city", "write_corpus"]
