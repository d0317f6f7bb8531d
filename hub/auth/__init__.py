"""Who is calling, and what they may do: the single place that decides access."""
