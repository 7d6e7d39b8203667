"""How the demo newsroom writes: the ways its stories name each watched target, the outlets' spellings, and
the Writer that fills story templates with names, places and numbers from a seeded RNG."""

from __future__ import annotations

import itertools
import random
import re
from functools import cache
from importlib import resources
from typing import Any

import yaml

from monitor.config import Target
from monitor.deliver.render import MONTHS, WEEKDAYS
from monitor.text import strip_diacritics

_SLOT_ROLE = {"P": "prefect", "S": "subprefect", "I": "institution", "F": "former"}
_SLOT = re.compile(r"\{(\w+)\}")


@cache
def load_data(name: str) -> Any:
    """One YAML file of monitor/demo/data, parsed once."""
    text = resources.files("monitor.demo").joinpath("data", name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def name_forms(role: str, target: Target, county: str) -> dict[str, tuple[str, ...]]:
    """Every way our stories name one target: first mention and later ones, nominative and genitive."""
    name = target.name
    surname = name.split()[-1]
    if role == "institution":
        genitive = name.replace("Instituția", "Instituției", 1) if name.startswith("Instituția") else name
        return {
            "I": (name, f"Prefectura {county}", name),
            "Ig": (genitive, f"Prefecturii {county}", genitive),
            "Ir": ("Prefectura", "instituția prefectului"),
        }
    if role == "former":
        return {"F": (name,)}
    if role == "prefect":
        return {
            "P": (
                f"prefectul {name}",
                f"prefectul județului {county}, {name},",
                f"{name}, prefectul județului {county},",
                f"prefectul de {county}, {name},",
            ),
            "Pg": (f"prefectului {name}", f"prefectului județului {county}, {name},", f"lui {name}"),
            "Pr": ("prefectul", f"dl {surname}", surname, f"domnul {surname}"),
            "Prg": ("prefectului", f"lui {surname}"),
        }
    female = name.split()[0].endswith("a")
    nom, gen, title = ("subprefecta", "subprefectei", "doamna") if female else ("subprefectul", "subprefectului", "dl")
    return {
        "S": (f"{nom} {name}", f"{name}, subprefect al județului {county},", f"subprefectul {name}"),
        "Sg": (f"{gen} {name}", f"{gen} județului {county}, {name},"),
        "Sr": (nom, f"{title} {surname}", surname),
        "Srg": (gen, f"{'doamnei' if female else 'lui'} {surname}"),
    }


# --- spelling --------------------------------------------------------------------------------------

_CEDILLA = str.maketrans({"ș": "ş", "ț": "ţ", "Ș": "Ş", "Ț": "Ţ"})
_DANGLING_COMMA = re.compile(r",(?=\s*(?:[.;:!?”)]|,|$))")
_SENTENCE_START = re.compile(r"(^|[.!?]\s+|„)([a-zăâîșț])")


def styled(text: str, style: str) -> str:
    """Spell `text` the way an outlet does: with diacritics, without them, or with legacy cedilla letters."""
    if style == "plain":
        return strip_diacritics(text)
    if style == "cedilla":
        return text.translate(_CEDILLA)
    return text


_NUMBER_DE = re.compile(r"\b(\d+) de (?=\w)")


def _de(match: re.Match[str]) -> str:
    """Romanian puts "de" after 20, 100, 1.000 ... but not after 1 to 19 (or 101 to 119): "14 formații"."""
    number = int(match.group(1))
    return match.group(0) if number % 100 == 0 or number % 100 >= 20 else f"{match.group(1)} "


def _tidy(text: str) -> str:
    text = _NUMBER_DE.sub(_de, _DANGLING_COMMA.sub("", text))
    return _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), text)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", strip_diacritics(text).lower()).strip("-")[:80].rstrip("-")


class Writer:
    """Fills story templates for one article with names, places and numbers drawn from a seeded RNG."""

    def __init__(
        self, rng: random.Random, forms: dict[str, tuple[str, ...]], county: str, home: str, distractor: bool
    ) -> None:
        self.rng = rng
        self.forms = forms
        self.names = load_data("names.yaml")
        self.county = county
        self.used: set[str] = set()
        other = rng.choice(self.names["other_prefects"])
        # A story about another county's prefect is set in that county; any other in its outlet's county.
        self.places: list[str] = self.names["places"][other["county"] if distractor else home]
        self.values: dict[str, str] = {
            "county": county,
            "city": rng.choice(self.places),
            "city2": rng.choice(self.places),
            "n": str(rng.randint(4, 60)),
            "n2": str(rng.randint(2, 9)),
            "sum": f"{rng.randint(2, 48)},{rng.randint(1, 9)} milioane de lei",
            "person": self.person(),
            "mayor": self.person(),
            "minister": rng.choice(self.names["ministers"]),
            "company": rng.choice(self.names["companies"]),
            "road": rng.choice(self.names["roads"]),
            "ocounty": other["county"],
            "ocity": other["seat"],
            "OPname": other["name"],
            "OP": rng.choice(
                (
                    f"prefectul județului {other['county']}, {other['name']},",
                    f"{other['name']}, prefectul județului {other['county']},",
                    f"prefectul de {other['county']}, {other['name']},",
                )
            ),
        }

    def person(self) -> str:
        return f"{self.rng.choice(self.names['first_names'])} {self.rng.choice(self.names['last_names'])}"

    def _fresh(self, key: str) -> str | None:
        """A new value at each use, for the filler's slots (numbers, streets, people)."""
        rng, stories = self.rng, load_data("stories.yaml")
        ranges = {"n3": (2, 12), "n4": (12, 95), "n5": (1, 28), "n6": (150, 9800), "n7": (1, 3), "pct": (8, 93)}
        if key in ranges:
            return str(rng.randint(*ranges[key]))
        makers = {
            "city3": lambda: rng.choice(self.places),
            "person2": self.person,
            "mayor2": self.person,
            "street": lambda: rng.choice(stories["streets"]),
            "assoc": lambda: rng.choice(stories["associations"]),
            "country": lambda: rng.choice(stories["countries"]),
            "company2": lambda: rng.choice(self.names["companies"]),
            "year": lambda: str(rng.randint(2019, 2025)),
            "year2": lambda: str(rng.randint(2008, 2018)),
            "money2": lambda: f"{rng.randint(120, 990)}.000 de lei",
            "money3": lambda: f"{rng.randint(48, 135)}.{rng.randint(1, 9)}00",
            "money4": lambda: f"{rng.randint(250, 480)} de lei",
            "speed": lambda: str(rng.choice((30, 40, 50, 60, 70))),
            "hour2": lambda: f"{rng.randint(8, 19)}:{rng.choice(('00', '30'))}",
            "month_name": lambda: rng.choice(MONTHS),
            "weekday": lambda: rng.choice(WEEKDAYS),
        }
        maker = makers.get(key)
        return maker() if maker is not None else None

    def fill(self, template: str) -> str:
        def slot(match: re.Match[str]) -> str:
            key = match.group(1)
            if key in self.forms:
                self.used.add(_SLOT_ROLE[key[0]])
                return self.rng.choice(self.forms[key])
            if key in self.values:
                return self.values[key]
            fresh = self._fresh(key)
            if fresh is None:
                raise KeyError(f"story slot {{{key}}}: no such slot, or a role this profile does not have")
            return fresh

        return _tidy(_SLOT.sub(slot, template))

    def details(self) -> list[str]:
        """Two or three paragraphs of local detail, 7 to 10 sentences from the filler templates."""
        sentences = [
            self.fill(t) for t in self.rng.sample(load_data("stories.yaml")["filler"], k=self.rng.randint(7, 10))
        ]
        cut = sorted(self.rng.sample(range(2, len(sentences) - 1), k=self.rng.randint(1, 2)))
        bounds = [0, *cut, len(sentences)]
        return [" ".join(sentences[a:b]) for a, b in itertools.pairwise(bounds)]


def edit_rerun(rng: random.Random, title: str, body: list[str], county: str | None) -> tuple[str, list[str]]:
    """The small edits of a site re-running an agency story: a title tag (the county's name on a story about
    the county), a dropped paragraph, a credit line."""
    tags = (title, f"{title} (foto)", f"{county}: {title}" if county else f"Actualizare: {title}", f"{title} | UPDATE")
    title = rng.choice(tags)
    if len(body) > 3 and rng.random() < 0.5:
        body = body[:-1]
    return title, [*body, "Sursa: Agenția Carpatica de Presă."]
