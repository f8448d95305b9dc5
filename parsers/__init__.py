"""Pure parsing: bytes or text in, items out. No I/O, no clock reads (only `time.monotonic()`, and only when
a caller gives a parse a deadline: `parsers.deadline`), nothing of storage or chat platforms."""
