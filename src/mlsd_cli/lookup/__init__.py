"""Lookup: what a user typed -> catalogue things (sections, kinds, tags, entries); filters;
grouping; search.
"""
