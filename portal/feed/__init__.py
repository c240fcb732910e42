"""A profile's feed: ranking, candidates, strips, cards, search, Atom/iCal."""
