import sys

from emotions.cli import main

sys.exit(main())
