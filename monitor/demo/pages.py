"""What the demo newsroom serves: article pages shaped like real Romanian news sites (menus, ads, scripts,
related links, comments), RSS 2.0 and Atom feeds, and outlet home pages."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape

from monitor.demo.newsroom import BUCHAREST, FEED_ITEMS, DemoArticle, DemoOutlet, Newsroom
from monitor.demo.writer import load_data, styled

PAGE_BYTES = 40_000  # the demo's default page size; bench/ asks for ~150 KB, like real news sites
_MENU = ("Acasă", "Actualitate", "Politică", "Economie", "Social", "Sport", "Cultură", "Opinii", "Video",
         "Foto", "Meteo", "Horoscop", "Anunțuri", "Contact", "Publicitate", "Despre noi")  # fmt: skip


def _related(newsroom: Newsroom, article: DemoArticle, rng: random.Random) -> list[DemoArticle]:
    """Earlier articles of the same outlet that name no watched target (so sidebars stay out of the truth)."""
    earlier = [a for a in newsroom.published(article.outlet_id, article.published_at) if not a.tones]
    return rng.sample(earlier[-40:], k=min(6, len(earlier[-40:])))


def _padding(rng: random.Random, outlet: DemoOutlet, amount: int) -> str:
    """The bulk of a real page: the app state and ad configuration a news CMS inlines as scripts."""
    if amount <= 0:
        return ""
    words = ("stiri", "alba", "sport", "video", "galerie", "meteo", "politic", "economie", "local", "opinii")
    chunks = []
    size = 0
    while size < amount:
        item = {
            "id": rng.getrandbits(40),
            "slot": f"div-gpt-ad-{rng.getrandbits(24):06x}",
            "path": "/" + "/".join(rng.choice(words) for _ in range(3)),
            "sizes": [[300, 250], [728, 90], [970, 250]][rng.randrange(3)],
            "targeting": {"site": outlet.id, "kw": [rng.choice(words) for _ in range(5)]},
            "trk": f"{rng.getrandbits(64):016x}{rng.getrandbits(64):016x}",
        }
        chunk = json.dumps(item, separators=(",", ":"))
        chunks.append(chunk)
        size += len(chunk) + 1
    return f"<script>window.__ADS_STATE__=[{','.join(chunks)}];</script>\n"


def render_page(newsroom: Newsroom, article: DemoArticle, *, size: int = PAGE_BYTES) -> bytes:
    """The article's HTML page, about `size` bytes, in the outlet's charset."""
    outlet = newsroom.outlet(article.outlet_id)
    rng = random.Random(article.id * 31 + newsroom.seed)
    local = article.published_at.astimezone(BUCHAREST)
    menu = "".join(
        f'<li><a href="/{outlet.id}/{i}/">{escape(styled(m, outlet.style))}</a></li>' for i, m in enumerate(_MENU)
    )
    related = "".join(f'<li><a href="{a.path}">{escape(a.title)}</a></li>' for a in _related(newsroom, article, rng))
    paragraphs = [f"<p><strong>{escape(article.lead)}</strong></p>"]
    for index, paragraph in enumerate(article.body):
        paragraphs.append(f"<p>{escape(paragraph)}</p>")
        if index == 1:
            paragraphs.append('<div class="ad ad-inarticle"><span>Publicitate</span><div id="ad-in-1"></div></div>')
    names = load_data("names.yaml")
    comments = "".join(
        f'<li class="comment"><b>{escape(rng.choice(names["first_names"]))}{rng.randint(1, 99)}</b> '
        f"<time>{local:%d.%m.%Y %H:%M}</time><p>{escape(styled(rng.choice(names['comments']), outlet.style))}</p></li>"
        for _ in range(rng.randint(2, 6))
    )
    json_ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.title,
            "datePublished": local.isoformat(),
            "author": {"@type": "Person", "name": article.author},
            "publisher": {"@type": "Organization", "name": outlet.name},
        },
        ensure_ascii=False,
    )
    head = f"""<!DOCTYPE html>
<html lang="ro"><head>
<meta charset="{outlet.charset}">
<title>{escape(article.title)} | {escape(outlet.name)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:title" content="{escape(article.title)}">
<meta property="og:type" content="article">
<meta property="article:published_time" content="{local.isoformat()}">
<meta name="author" content="{escape(article.author)}">
<link rel="canonical" href="{article.path}">
<link rel="stylesheet" href="/static/{outlet.id}/main.css">
<script type="application/ld+json">{json_ld}</script>
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments);}}</script>
<script async src="/static/ads/gpt.js"></script>
</head>
<body class="single-post">
<div class="ad ad-top"><span>Publicitate</span><div id="ad-top"></div></div>
<header><div class="logo"><a href="/{outlet.id}/">{escape(outlet.name)}</a></div>
<nav class="main-menu"><ul>{menu}</ul></nav>
<div class="ticker"><b>{escape(styled("Ultima oră", outlet.style))}</b></div></header>
<main><article class="post">
<div class="breadcrumbs"><a href="/{outlet.id}/">{escape(outlet.name)}</a> » {escape(article.section)}</div>
<h1 class="entry-title">{escape(article.title)}</h1>
<div class="meta"><span class="author">{escape(article.author)}</span>
<time datetime="{local.isoformat()}">{local:%d.%m.%Y, %H:%M}</time></div>
<div class="entry-content">
{"".join(paragraphs)}
</div>
<div class="share"><a href="#">Facebook</a> <a href="#">WhatsApp</a> <a href="#">X</a></div>
</article>
<aside class="sidebar"><h3>{escape(styled("Citește și", outlet.style))}</h3><ul>{related}</ul>
<div class="ad ad-sidebar"><span>Publicitate</span><div id="ad-side"></div></div></aside>
<section id="comments"><h3>{escape(styled("Comentarii", outlet.style))}</h3><ol>{comments}</ol></section>
</main>
<footer><p>© {local.year} {escape(outlet.name)}. {escape(styled("Toate drepturile rezervate.", outlet.style))}</p>
<ul class="footer-links">{menu}</ul></footer>
"""
    tail = "</body></html>\n"
    page = head + _padding(rng, outlet, size - len(head.encode()) - len(tail)) + tail
    return page.encode(outlet.charset, errors="xmlcharrefreplace")


def _rfc822(moment: datetime, outlet: DemoOutlet) -> str:
    """Local outlets date their items in local time, the others in GMT (both are seen in the wild)."""
    return format_datetime(moment.astimezone(BUCHAREST if outlet.county else UTC), usegmt=outlet.county is None)


def render_feed(
    newsroom: Newsroom, outlet: DemoOutlet, now: datetime, base_url: str, *, items: int = FEED_ITEMS
) -> tuple[bytes, datetime | None]:
    """The outlet's feed as it stands at `now` (its newest `items`), and the publication time of its newest item."""
    shown = list(reversed(newsroom.published(outlet.id, now)))[:items]
    newest = shown[0].published_at if shown else None
    if outlet.feed == "atom":
        body = _atom(outlet, shown, newest or newsroom.start, base_url)
    else:
        body = _rss(outlet, shown, newest or newsroom.start, base_url)
    return body.encode(outlet.charset, errors="xmlcharrefreplace"), newest


def _link(article: DemoArticle, outlet: DemoOutlet, base_url: str) -> str:
    link = base_url + article.path
    return link + "?utm_source=rss&utm_medium=feed&utm_campaign=" + outlet.id if outlet.tracking else link


def _rss(outlet: DemoOutlet, items: list[DemoArticle], updated: datetime, base_url: str) -> str:
    entries = []
    for article in items:
        full = ""
        if outlet.full_text:
            html = "".join(f"<p>{escape(p)}</p>" for p in (article.lead, *article.body))
            full = f"<content:encoded><![CDATA[{html}]]></content:encoded>"
        entries.append(
            f"<item><title>{escape(article.title)}</title><link>{escape(_link(article, outlet, base_url))}</link>"
            f'<guid isPermaLink="false">{outlet.id}-{article.id}</guid>'
            f"<pubDate>{_rfc822(article.published_at, outlet)}</pubDate>"
            f"<dc:creator>{escape(article.author)}</dc:creator><category>{escape(article.section)}</category>"
            f"<description>{escape(article.lead)}</description>{full}</item>"
        )
    return (
        f'<?xml version="1.0" encoding="{outlet.charset}"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>{escape(outlet.name)}</title><link>{base_url}/{outlet.id}/</link>"
        f"<description>{escape(styled('Știri', outlet.style))} {escape(outlet.name)}</description>"
        f"<language>ro</language><lastBuildDate>{_rfc822(updated, outlet)}</lastBuildDate>"
        + "\n".join(entries)
        + "</channel></rss>\n"
    )


def _atom(outlet: DemoOutlet, items: list[DemoArticle], updated: datetime, base_url: str) -> str:
    entries = []
    for article in items:
        stamp = article.published_at.astimezone(BUCHAREST).isoformat()
        entries.append(
            f"<entry><title>{escape(article.title)}</title>"
            f'<link rel="alternate" href="{escape(_link(article, outlet, base_url))}"/>'
            f"<id>tag:{outlet.id}.example,{article.published_at:%Y}:{article.id}</id>"
            f"<published>{stamp}</published><updated>{stamp}</updated>"
            f"<author><name>{escape(article.author)}</name></author>"
            f"<summary>{escape(article.lead)}</summary></entry>"
        )
    return (
        f'<?xml version="1.0" encoding="{outlet.charset}"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ro">'
        f"<title>{escape(outlet.name)}</title><id>tag:{outlet.id}.example,2020:feed</id>"
        f'<link rel="self" href="{base_url}{outlet.feed_url_path}"/><link href="{base_url}/{outlet.id}/"/>'
        f"<updated>{updated.astimezone(BUCHAREST).isoformat()}</updated>" + "\n".join(entries) + "</feed>\n"
    )


def render_home(newsroom: Newsroom, outlet: DemoOutlet, now: datetime) -> bytes:
    """The outlet's front page at `now`: its latest headlines."""
    items = list(reversed(newsroom.published(outlet.id, now)))[:FEED_ITEMS]
    links = "".join(f'<li><a href="{a.path}">{escape(a.title)}</a></li>' for a in items)
    page = (
        f'<!DOCTYPE html><html lang="ro"><head><meta charset="{outlet.charset}"><title>{escape(outlet.name)}</title>'
        f'<link rel="alternate" type="application/rss+xml" href="{outlet.feed_url_path}"></head>'
        f"<body><h1>{escape(outlet.name)}</h1><ul>{links}</ul></body></html>\n"
    )
    return page.encode(outlet.charset, errors="xmlcharrefreplace")
