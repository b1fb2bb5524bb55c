"""The `fttm` console script.

`fttm serve` runs under eventlet, which must patch the standard library before anything else
imports it, so this module imports nothing of fttm's until that is done. Other commands (db, user,
demo, shell) need no event loop and run in threading mode.
"""

import os
import sys
import warnings


def main() -> None:
    """Run the fttm command line."""
    serving = len(sys.argv) > 1 and sys.argv[1] == "serve"
    async_mode = os.environ.get("FTTM_ASYNC_MODE", "eventlet")
    if not serving:
        os.environ.setdefault("FTTM_ASYNC_MODE", "threading")
    elif async_mode == "eventlet":
        # The product brief fixes eventlet; its "deprecated, in bugfix mode" banner is known.
        warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
        import eventlet

        eventlet.monkey_patch()
    elif async_mode == "gevent":
        from gevent import monkey

        monkey.patch_all()
    if serving:
        from config import settings_for
        from fttm.database import make_driver_cooperative

        make_driver_cooperative(settings_for().get("DATABASE_URL"), async_mode)
    from fttm.cli import cli

    cli(prog_name="fttm")


if __name__ == "__main__":
    main()
