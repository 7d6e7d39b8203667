"""The archive: search, exports and the press officer's corrections."""
