"""The `fttm` console script.

`fttm serve` runs under eventlet, which must patch the standard library before anything else
imports it, so this module imports nothing of fttm's until that is done.
"""

import os
import sys


def main() -> None:
    """Run the fttm command line."""
    serving = len(sys.argv) > 1 and sys.argv[1] == "serve"
    if serving and os.environ.get("FTTM_ASYNC_MODE", "eventlet") == "eventlet":
        import eventlet

        eventlet.monkey_patch()
    from fttm.cli import cli

    cli(prog_name="fttm")


if __name__ == "__main__":
    main()
