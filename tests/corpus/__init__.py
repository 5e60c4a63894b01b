"""Corpora of SA Activity requests as AEs write them (table data, no code under test)."""
