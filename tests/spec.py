"""Values fixed by the issues, which an external evaluation harness relies on: tests check against them."""

TOPIC_IDS = (
    "urgente",
    "ordine_publica",
    "sanatate",
    "educatie",
    "agricultura",
    "infrastructura",
    "investitii",
    "legalitate",
    "alegeri",
    "servicii_publice",
    "proteste",
    "coruptie",
    "minoritati",
    "social",
    "mediu",
    "institutional",
)
