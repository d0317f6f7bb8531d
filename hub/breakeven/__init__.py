"""The partners' path to break-even: results, trend, status, and what the network invested."""
