"""``python -m mlsd_cli``, and the ``mlsd`` console script (:func:`run`)."""

import sys


def run() -> None:
    """Start mlsd; Ctrl-C while it is still loading ends it with one line, not a traceback."""
    try:
        from mlsd_cli.cli import main
    except KeyboardInterrupt:
        sys.stderr.write("mlsd: interrupted; nothing was written\n")
        raise SystemExit(130) from None
    main()


if __name__ == "__main__":
    run()
