"""Speed and memory of the analysis: a ~600-word article, analyse vs trafilatura extraction of its page.

Path driven: `nlp.analyze` alone, one profile, no store (the daemon's whole stage, with its queue, clustering,
writes and 42 profiles, is bench.analysis_stage's).

Run: .venv/bin/python -m bench.analysis  (single process, one core; figures are medians of many runs)
"""

from __future__ import annotations

import gc
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

from bench.ingest import news_page
from monitor.config import load_profile
from monitor.crawl.extract import TRAFILATURA_OPTIONS
from monitor.nlp import analyze
from monitor.nlp.language import language

REPO = Path(__file__).resolve().parent.parent

TITLE = "Prefectul Horia Vlădescu a convocat Comitetul pentru Situații de Urgență după inundațiile de la Blaj"
PARAGRAPHS = (
    "După ploile torențiale din ultimele 24 de ore, prefectul județului Alba, Horia Vlădescu, a convocat în "
    "ședință extraordinară Comitetul Județean pentru Situații de Urgență. Peste 40 de gospodării din Blaj și "
    "Sebeș au fost inundate, iar mai multe drumuri comunale sunt blocate de aluviuni.",
    "Echipajele de intervenție au lucrat toată noaptea pentru evacuarea apei din subsoluri și curți. Pe râul "
    "Mureș este în vigoare un cod roșu de inundații până joi la prânz, potrivit hidrologilor, iar autoritățile "
    "locale au pregătit saci de nisip și motopompe în toate localitățile aflate în zona de risc.",
    "„Am dispus mobilizarea tuturor forțelor disponibile și evaluarea pagubelor în fiecare localitate afectată. "
    "Oamenii care și-au pierdut bunurile vor primi ajutoare de urgență”, a declarat Vlădescu la finalul ședinței.",
    "Primarul din Blaj, Petru Giurgiu, a spus că pagubele sunt cele mai mari din ultimii zece ani și că "
    "localitatea are nevoie de sprijin de la Guvern pentru refacerea podețelor. Consilierii locali din opoziție "
    "l-au criticat însă pe primar pentru lipsa lucrărilor de regularizare a pârâului, promise încă din 2021.",
    "Instituția Prefectului – Județul Alba a transmis că echipele mixte formate din reprezentanți ai primăriilor, "
    "ai Direcției Agricole și ai Inspectoratului pentru Situații de Urgență vor întocmi procesele-verbale de "
    "constatare a pagubelor până la sfârșitul săptămânii. Pe baza acestora, Guvernul poate aloca bani din fondul "
    "de rezervă pentru refacerea drumurilor, a podurilor și a locuințelor afectate de viitură.",
    "Subprefecta Ioana Câmpeanu a mers în satele izolate de ape împreună cu echipele de la Crucea Roșie, care au "
    "distribuit apă potabilă, alimente și medicamente. Localnicii au mulțumit echipelor pentru intervenția rapidă, "
    "dar au reclamat că avertizările au ajuns prea târziu pe telefoanele mobile.",
    "Meteorologii anunță că ploile vor continua și în zilele următoare, cu cantități de apă de până la 50 de litri "
    "pe metru pătrat în zona de munte. Hidrologii avertizează că debitele râurilor din bazinul Mureșului ar putea "
    "depăși cotele de atenție, mai ales pe afluenții din zona Munților Apuseni.",
    "În paralel, pompierii militari au intervenit la un incendiu izbucnit într-o gospodărie din Cugir, unde un "
    "scurtcircuit provocat de infiltrațiile de apă a aprins acoperișul. Nu au existat victime, iar flăcările au "
    "fost stinse în mai puțin de o oră. Reprezentanții ISU Alba le recomandă oamenilor să nu folosească "
    "instalațiile electrice din încăperile inundate până la verificarea lor de către un electrician autorizat.",
    "Prefectul a anunțat că va cere ministerelor de resort sprijin pentru refacerea infrastructurii și că va "
    "verifica personal modul în care primăriile gestionează ajutoarele. Potrivit lui Vlădescu, situația va fi "
    "analizată și în colegiul prefectural de luna viitoare, când vor fi prezentate și proiectele de apărare "
    "împotriva inundațiilor finanțate prin PNRR și prin fonduri europene.",
    "Direcția pentru Agricultură Județeană a anunțat că fermierii ale căror culturi au fost compromise pot depune "
    "cereri de despăgubire la primării în termen de 30 de zile. Comisiile vor verifica pe teren fiecare solicitare, "
    "iar sumele vor fi plătite după aprobarea hotărârii de Guvern. Crescătorii de animale din luncă au mutat deja "
    "turmele pe dealuri, iar medicii veterinari au început vaccinarea preventivă în satele afectate de viitură.",
    "La finalul zilei, primarii din comunele afectate au cerut ca ajutoarele să ajungă rapid la familiile care "
    "au rămas fără locuințe, iar reprezentanții Crucii Roșii au anunțat o campanie de strângere de donații.",
    "Reprezentanții Apelor Române au precizat că lucrările de decolmatare a albiilor au fost întârziate de "
    "licitații contestate, iar firmele câștigătoare au intrat în șantier abia în primăvară. Localnicii din "
    "cartierele joase ale municipiului spun că problemele se repetă în fiecare an și cer soluții durabile.",
)
TEXT = "\n\n".join(PARAGRAPHS)

# The article inside a page shaped like a Romanian news site's (~150 KB), as bench.ingest serves them.
PAGE = news_page(
    TITLE, PARAGRAPHS, outlet="Ziarul", author="Redacția", published="2025-07-02T08:30:00+03:00", rng=random.Random(7)
)


def timings_ms(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(median, minimum) CPU time of one call in ms; CPU time because the machine may be shared."""
    samples = []
    for _ in range(repeat):
        started = time.process_time()
        run()
        samples.append((time.process_time() - started) * 1000)
    return statistics.median(samples), min(samples)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    profile = load_profile(REPO / "pipelines" / "alba.yaml")
    before = rss_mb()
    started = time.perf_counter()
    language()
    load_s = time.perf_counter() - started
    words = len(TEXT.split())
    started = time.perf_counter()
    analyze(TITLE, TEXT, profile)
    first_ms = (time.perf_counter() - started) * 1000
    gc.collect()
    document = trafilatura.bare_extraction(PAGE, **TRAFILATURA_OPTIONS)
    extracted = getattr(document, "text", None) or ""
    ours_ms, ours_min = timings_ms(lambda: trafilatura.bare_extraction(PAGE, **TRAFILATURA_OPTIONS), 40)
    plain_ms, plain_min = timings_ms(lambda: trafilatura.extract(PAGE), 40)
    analyse_ms, analyse_min = timings_ms(lambda: analyze(TITLE, TEXT, profile), 300)
    print(f"article: {words} words, page {len(PAGE) // 1024} KiB, trafilatura kept {len(extracted.split())} words")
    print(f"language layer load: {load_s:.2f} s (once per process)")
    print(f"analyze, first call (cold lemma cache): {first_ms:.1f} ms")
    print(f"analyze: median {analyse_ms:.2f} ms, min {analyse_min:.2f} ms (CPU, 300 runs; goal <= 10 ms median)")
    print(f"trafilatura as crawl.extract runs it: median {ours_ms:.2f} ms, min {ours_min:.2f} ms (CPU, 40 runs)")
    print(f"trafilatura.extract with defaults:      median {plain_ms:.2f} ms, min {plain_min:.2f} ms (CPU, 40 runs)")
    print(
        f"ratio analyze / extraction as we run it: median {analyse_ms / ours_ms:.2f}, min {analyse_min / ours_min:.2f}"
        f"; with defaults: median {analyse_ms / plain_ms:.2f}   (goal <= 0.25)"
    )
    print(f"process RSS: {rss_mb():.0f} MB (before language layer: {before:.0f} MB; goal <= 400 MB)")


if __name__ == "__main__":
    main()
