"""The web shell: the app's own pages (home, privacy, accessibility, health), error pages,
metrics, the benchmark's endpoint and the templates' wiring. It sits above every domain and
may read them all; no domain imports it."""
