"""``python -m qca``: the same entry point as the ``qca`` console script."""

from qca.cli import main

if __name__ == "__main__":
    main()
