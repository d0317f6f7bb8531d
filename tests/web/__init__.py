"""The dashboard: its HTTP routes, and the page in a real browser."""

import warnings

from hypothesis.errors import HypothesisWarning

with warnings.catch_warnings():
    # trio, which Selenium imports, hands Hypothesis a PRNG object at import and Hypothesis warns
    # that it may be garbage-collected; it is a module global, so the warning does not apply.
    warnings.simplefilter("ignore", HypothesisWarning)
    import trio  # noqa: F401
