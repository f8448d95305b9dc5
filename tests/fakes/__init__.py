"""Hand-written fakes behind our Protocols (see `adapters.py`)."""
