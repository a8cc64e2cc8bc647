"""Every write: a pure plan, then one commit step (lock, re-read, rebase or refuse, apply, save)."""
