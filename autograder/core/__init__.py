"""The shared core: task declarations, probing and judging, comparison, forbidden calls, the notebook reader, formatting, messages and languages."""
