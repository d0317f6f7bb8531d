"""Exchange rates: the ECB's daily euro reference rates and the rates consolidation uses."""
