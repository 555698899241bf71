# Shared start-up of the Python scripts in scripts/: finds the toolkit
# (installed, or the uninstalled build next to the scripts) and imports it
# through GObject introspection.
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Loads gst-bitnet's introspection data (Bn, BnModel, BnBench) for scripts.

Order of search: an environment that already finds the typelibs (`make
shell`, `meson devenv`, an installed toolkit, the test suite), else the
build folder named by BN_BUILDDIR, else `build/` next to `scripts/`. For the
uninstalled build the process re-executes itself once with GI_TYPELIB_PATH,
LD_LIBRARY_PATH and BN_PLUGIN_PATH set, since the dynamic loader reads
LD_LIBRARY_PATH only at start. A Python without PyGObject re-executes under
the system's /usr/bin/python3 when that one has it.
"""

import os
import sys

# Exit statuses shared by every script (documented in each --help).
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_REGRESSION = 3
EXIT_STRICT = 4
EXIT_UNAVAILABLE = 5
EXIT_TIMEOUT = 124
EXIT_INTERRUPTED = 130

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _reexec(python, env, mark):
    env[mark] = "1"
    os.execve(python, [python] + sys.argv, env)


def _build_dir():
    build = os.environ.get("BN_BUILDDIR") or os.path.join(_ROOT, "build")
    if os.path.isfile(os.path.join(build, "gst-bitnet", "Bn-1.0.typelib")):
        return os.path.abspath(build)
    return None


def _prepend(env, name, value):
    old = env.get(name)
    env[name] = value + (os.pathsep + old if old else "")


def load():
    """Imports and initialises the toolkit; returns (Bn, BnBench, GLib)."""
    try:
        import gi
    except ImportError:
        system = "/usr/bin/python3"
        if os.environ.get("BN_SCRIPTS_SYSTEM_PYTHON") or not os.access(system, os.X_OK) or \
                os.path.realpath(sys.executable) == os.path.realpath(system):
            sys.exit("%s: PyGObject is missing (Debian: sudo apt-get install -y python3-gi)"
                     % os.path.basename(sys.argv[0]))
        _reexec(system, dict(os.environ), "BN_SCRIPTS_SYSTEM_PYTHON")
    try:
        gi.require_version("Bn", "1.0")
    except ValueError:
        build = _build_dir()
        if build is None or os.environ.get("BN_SCRIPTS_UNINSTALLED"):
            sys.exit("%s: the gst-bitnet introspection data (Bn-1.0.typelib) was not found: "
                     "run `make` (it builds build/), `make shell`, or install the toolkit"
                     % os.path.basename(sys.argv[0]))
        env = dict(os.environ)
        libs = [os.path.join(build, "gst-bitnet", d) for d in ("", "model", "bench")]
        _prepend(env, "GI_TYPELIB_PATH", os.path.join(build, "gst-bitnet"))
        _prepend(env, "LD_LIBRARY_PATH", os.pathsep.join(libs))
        env.setdefault("BN_PLUGIN_PATH", os.path.join(build, "elements"))
        env.setdefault("BN_PLUGIN_SYSTEM_PATH", "")
        _reexec(sys.executable, env, "BN_SCRIPTS_UNINSTALLED")
    gi.require_version("BnBench", "1.0")
    from gi.repository import Bn, BnBench, GLib
    Bn.init(None)
    return Bn, BnBench, GLib


def launch_binary():
    """The bn-launch to run: BN_LAUNCH, the uninstalled build's, or PATH's."""
    if os.environ.get("BN_LAUNCH"):
        return os.environ["BN_LAUNCH"]
    build = _build_dir()
    if build:
        return os.path.join(build, "gst-bitnet", "tools", "bn-launch")
    return "bn-launch"


def root():
    """The source tree the scripts belong to (pipelines/ lives there)."""
    return _ROOT
