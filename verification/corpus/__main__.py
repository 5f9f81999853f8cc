import sys

from verification.corpus import main

raise SystemExit(main(sys.argv[1:]))
