from core.tests.e2e import page  # noqa: F401  (fixture)
