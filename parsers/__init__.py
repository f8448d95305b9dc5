"""Pure parsing: bytes or text in, items out. No I/O, no clock reads, nothing of storage or chat platforms."""
