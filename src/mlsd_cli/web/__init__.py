"""Everything that opens a socket, and what it learns.

- ``http``: the conventions of every request (User-Agent, headers, limits, the wording of
  failures), shared by the checker and the metadata fetch;
- ``checker``: checking many URLs concurrently and politely (``transport``: its connection
  pools; ``results``: what a check found);
- ``catalogue_check``: which of a catalogue's URLs to check, and the verdicts across runs,
  remembered in ``linkstate``;
- ``metadata``: what a page says about itself, for ``mlsd add``.
"""
