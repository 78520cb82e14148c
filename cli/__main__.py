"""Allow ``python -m belcoach.cli``."""

from belcoach.cli.main import main

raise SystemExit(main())
