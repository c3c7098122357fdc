"""Demo data for bianmin: a fictional county (江岭省云州市澄溪县) with its service centres, windows,
staff, service items and sign-ins. DEMO DATA ONLY — never load it into a production database.

Plain data modules (regions, sites, users, items) are read by `loader.load()`, which the
`python manage.py demo` command runs. Loading is idempotent: every row is keyed on a natural key
(division code, department name, site, window number, work ID, item code, username).
"""
