# SPDX-License-Identifier: LGPL-2.1-or-later
"""TAP output for the Python tests of tests/ci: results numbered as they come,
the plan printed last, details of a failure as comments."""
import sys


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def result(self, good, name, detail=""):
        self.n += 1
        print("%s %d - %s" % ("ok" if good else "not ok", self.n, name))
        if not good:
            self.failed += 1
            for line in str(detail).splitlines()[-25:]:
                print("# " + line)
        return good

    def skip(self, name, why):
        self.n += 1
        print("ok %d - %s # SKIP %s" % (self.n, name, why))

    def finish(self):
        print("1..%d" % self.n)
        sys.exit(1 if self.failed else 0)
