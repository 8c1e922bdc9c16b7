"""pytest setup shared by the tools/albef tests."""


def pytest_configure(config):
    # Slow tests run in CI too; the marker lets a developer skip them locally with `-m "not slow"`.
    config.addinivalue_line("markers", "slow: full ALBEF-B size (minutes, GBs of RAM); still part of CI")
