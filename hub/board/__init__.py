"""The board's comparison of the countries: one currency, over time, ranked."""
