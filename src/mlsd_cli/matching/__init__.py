"""Matching: canonical URLs and identity keys, title normalisation, the one kind guesser,
duplicates.
"""
