# Shared start-up of the Python scripts in scripts/: finds the toolkit
# (installed, or the uninstalled build next to the scripts) and imports it
# through GObject introspection.
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Loads gst-bitnet's introspection data (Bn, BnModel, BnBench) for scripts.

Order of search: an environment that already finds the typelibs (`make
shell`, `meson devenv`, an installed toolkit, the test suite), else the
build folder named by BN_BUILDDIR or BUILDDIR (as for the shell scripts:
relative to the source tree or absolute), else `build/` next to `scripts/`. For the
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

_Bn = None
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _reexec(python, env, mark):
    env[mark] = "1"
    os.execve(python, [python] + sys.argv, env)


def _build_dir():
    # BUILDDIR as the shell scripts read it (scripts/bn-env.sh): relative to
    # the source tree or absolute
    build = os.environ.get("BN_BUILDDIR") or os.environ.get("BUILDDIR") or "build"
    build = os.path.join(_ROOT, build)
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
            where = os.environ.get("BN_BUILDDIR") or os.environ.get("BUILDDIR") or "build"
            sys.exit("%s: the gst-bitnet introspection data (Bn-1.0.typelib) was not found in %s: "
                     "run `make` (it builds build/), set BUILDDIR to your build, `make shell`, "
                     "or install the toolkit"
                     % (os.path.basename(sys.argv[0]), os.path.join(_ROOT, where, "gst-bitnet")))
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
    global _Bn
    _Bn = Bn
    return Bn, BnBench, GLib


def build_dir():
    """The build directory the toolkit runs from (BN_BUILDDIR, BUILDDIR or
    build/), or None when there is none (an installed toolkit)."""
    return _build_dir()


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


def pipeline_from_file(Bn, name, variables):
    """Parses pipelines/@name with ${VAR} values from @variables (as bn-launch -D)."""
    with open(os.path.join(_ROOT, "pipelines", name), encoding="utf-8") as f:
        text = f.read()
    context = Bn.ParseContext.new()
    for key, value in variables.items():
        context.set_variable(key, str(value))
    return Bn.parse_launch_full(text, context)


def run(Bn, BnBench, GLib, pipeline, timeout=None, on_message=None, quiet=False):
    """Runs @pipeline to its end, as bn-launch does; returns an exit status.

    Errors are printed with the element that failed and mapped to the
    scripts' exit statuses; @timeout (seconds) cancels the run (124) with a
    message naming the element that was running and how far it got.
    @on_message, when given, sees every message first."""
    import time
    bus = pipeline.get_bus()
    deadline = time.monotonic() + timeout if timeout else None
    timed_out = False
    last = None   # (path, fraction, text) of the last progress message
    try:
        pipeline.start()
    except GLib.Error as e:
        print("%s: error: %s" % (os.path.basename(sys.argv[0]), e.message), file=sys.stderr)
        return EXIT_FAILED
    status = EXIT_OK
    try:
        while True:
            msg = bus.timed_pop_filtered(100000, Bn.MessageType.ERROR | Bn.MessageType.EOS |
                                         Bn.MessageType.ELEMENT | Bn.MessageType.PROGRESS |
                                         Bn.MessageType.WARNING)
            if deadline and not timed_out and time.monotonic() > deadline:
                timed_out = True
                pipeline.cancel()
            if msg is None:
                continue
            if on_message:
                on_message(msg)
            kind = msg.get_message_type()
            if kind == Bn.MessageType.PROGRESS:
                fraction, text = msg.parse_progress()
                last = (msg.get_src_path(), fraction, text)
            elif kind == Bn.MessageType.WARNING and not quiet:
                error, _ = msg.parse_warning()
                print("WARNING: from element %s: %s" % (msg.get_src_path(), error.message),
                      file=sys.stderr)
            elif kind == Bn.MessageType.EOS:
                break
            elif kind == Bn.MessageType.ERROR:
                error, debug = msg.parse_error()
                status = exit_status_for(error)
                if status == EXIT_INTERRUPTED and timed_out:
                    status = EXIT_TIMEOUT
                    where = ("while %s was running (%s)" % (last[0], last[2])) if last else \
                        "before any element reported progress"
                    print("Timeout: the pipeline was stopped after %g s %s; nothing claiming "
                          "success was written. Raise --timeout or make the run shorter."
                          % (timeout, where), file=sys.stderr)
                else:
                    print("ERROR: from element %s: %s" % (msg.get_src_path(), error.message),
                          file=sys.stderr)
                break
    except KeyboardInterrupt:
        pipeline.cancel()
        status = EXIT_INTERRUPTED
    pipeline.stop()
    return status


def exit_status_for(error):
    """The exit status of a GError from a pipeline, as bn-launch maps it."""
    domains = {"bn-strict-error-quark": EXIT_STRICT, "bn-regression-error-quark": EXIT_REGRESSION}
    if error.domain in domains:
        return domains[error.domain]
    if error.domain == "bn-core-error-quark" and error.code == _Bn.CoreError.CANCELLED:
        return EXIT_INTERRUPTED
    return EXIT_FAILED
