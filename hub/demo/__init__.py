"""The demo network: the published 2023-2024 figures, submitted as the national teams would."""
