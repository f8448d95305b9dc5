"""Everything with a network, a clock or a chat platform: fetch, schedule, match, deliver, CLI."""
