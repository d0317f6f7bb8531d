"""The network hub: collect, compare and consolidate the figures of the Smart network."""
