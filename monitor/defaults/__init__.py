"""What a fresh installation starts from: the default sources.yaml, the example profile and the report templates
(links to the repository's top-level files, copied into the wheel)."""
