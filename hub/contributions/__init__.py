"""Common contributions: what each country's rules say is due, against what was booked."""
