"""``python -m mlsd_cli``."""

from mlsd_cli.cli import main

if __name__ == "__main__":
    main()
