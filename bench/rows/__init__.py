"""One module per row of `python -m bench`'s table; each has `run(stage) -> list[Row]`."""
