"""Everything that opens a socket: HTTP conventions, the link checker, link state, page metadata."""
