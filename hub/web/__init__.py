"""The board's dashboard: one HTML page, its stylesheet and scripts, served by the hub itself."""
