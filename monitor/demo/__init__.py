"""The offline demo: a generated newsroom of fictional Romanian outlets served on 127.0.0.1, and the run that
drives the whole pipeline over it (`monitor demo`)."""

from __future__ import annotations

from monitor.demo.newsroom import DemoArticle, DemoOutlet, GroundTruth, Newsroom, generate
from monitor.demo.pages import render_feed, render_page
from monitor.demo.server import NewsroomServer, serve

__all__ = [
    "DemoArticle",
    "DemoOutlet",
    "GroundTruth",
    "Newsroom",
    "NewsroomServer",
    "generate",
    "render_feed",
    "render_page",
    "serve",
]
