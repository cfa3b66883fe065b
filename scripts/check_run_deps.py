#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Checks that the build `make run` configures needs no package beyond `scripts/deps.sh build`.

usage: scripts/check_run_deps.py [MESON SETUP OPTIONS...]   (the Makefile's RUN_SETUP)

Configures the run build in a scratch directory, with the same options as `make run`, and
collects every file that build resolves: each pkg-config file (and those it requires), each
library and include directory of each dependency, and each program it runs (compiler, linker,
meson, ninja, pkg-config, the Python of the code generators, node and npm of the web UI). Each
file is mapped to its Debian package with `dpkg -S`. The check fails when a file's package is
neither in the build group nor pulled in by it (Depends and Pre-Depends, recursively) nor part
of every Debian system (Essential or Priority: required): on a machine where only
`scripts/deps.sh build` has run, that package would be missing and `make run` would fail.

A self-test follows: with one of the build group's own packages taken out of the list, the same
evaluation must report it, so the check itself can fail."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# deps.sh accepts these programs from outside Debian (e.g. NodeSource) when they run.
ACCEPTED_ELSEWHERE = {"node": "nodejs", "npm": "npm"}


def run(*cmd, check=True, cwd=None):
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd)
    if check and r.returncode != 0:
        sys.exit(f"check_run_deps: {' '.join(cmd)} failed:\n{r.stdout}{r.stderr}")
    return r


def build_group():
    out = run(str(REPO / "scripts" / "deps.sh"), "--list", "build").stdout
    return {line.strip() for line in out.splitlines() if line.strip()}


# ---- what the run build resolves ------------------------------------------------------------

def pc_closure(names):
    """The .pc files of the pkg-config modules names and of every module they require."""
    files, seen, todo = set(), set(), list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        r = run("pkg-config", "--path", name, check=False)
        if r.returncode != 0:
            continue
        files.add(r.stdout.strip())
        for flag in ("--print-requires", "--print-requires-private"):
            for line in run("pkg-config", flag, name, check=False).stdout.splitlines():
                if line.split():
                    todo.append(line.split()[0])
    return files


def resolved_files(build_dir, compiler):
    """(files, programs) the configured build in build_dir depends on."""
    deps = json.loads(run("meson", "introspect", "--dependencies", build_dir).stdout)
    files, pkgconfig_names = set(), []
    for dep in deps:
        if run("pkg-config", "--exists", dep["name"], check=False).returncode == 0:
            pkgconfig_names.append(dep["name"])
        for arg in dep["compile_args"] + dep["link_args"]:
            if arg.startswith("-I"):
                files.add(arg[2:])
            elif arg.startswith("-l"):
                files.add(run(compiler, f"-print-file-name=lib{arg[2:]}.so").stdout.strip())
            elif arg.startswith("/"):
                files.add(arg)
    files |= pc_closure(pkgconfig_names)
    log = (Path(build_dir) / "meson-logs" / "meson-log.txt").read_text(errors="replace")
    for lib in re.findall(r"^Library (\S+) found: YES", log, re.M):
        files.add(run(compiler, f"-print-file-name=lib{lib}.so").stdout.strip())
    programs = {compiler, run(compiler, "-print-prog-name=ld").stdout.strip(), "meson", "ninja",
                "pkg-config", "node", "npm"}
    programs |= set(re.findall(r"^Program \S+ found: YES \(([^ )]+)", log, re.M))
    programs |= set(re.findall(r"^Running command: (\S+)", log, re.M))  # run_command()
    return {os.path.normpath(f) for f in files}, programs


# ---- Debian packages ------------------------------------------------------------------------

def installed_packages():
    """{name: (essential_or_required, provides, depends)} of the installed packages."""
    fmt = "${Package}\t${db:Status-Abbrev}\t${Essential}\t${Priority}\t${Provides}\t" \
          "${Depends}\t${Pre-Depends}\n"
    packages = {}
    for line in run("dpkg-query", "-W", "-f", fmt).stdout.splitlines():
        name, status, essential, priority, provides, depends, pre = line.split("\t")
        if not status.startswith("ii"):
            continue
        packages[name] = (essential == "yes" or priority == "required",
                          [p.split()[0] for p in provides.split(",") if p.strip()],
                          [d for d in (depends + "," + pre).split(",") if d.strip()])
    return packages


def bare(name):
    return name.strip().split()[0].split(":")[0]


def closure(seeds, packages):
    """Every installed package that installing seeds brings: the seeds, their Depends and
    Pre-Depends recursively (the first installed alternative of each), and the base system."""
    providers = {}
    for name, (_, provides, _) in packages.items():
        providers.setdefault(name, []).append(name)
        for virtual in provides:
            providers.setdefault(virtual, []).append(name)
    have = {name for name, (base, _, _) in packages.items() if base}
    todo = [s for s in seeds if s in packages]
    while todo:
        name = todo.pop()
        if name in have and name not in seeds:
            continue
        have.add(name)
        for group in packages[name][2]:
            for alternative in group.split("|"):
                found = providers.get(bare(alternative), [])
                if found:
                    todo.extend(p for p in found if p not in have)
                    break
    return have


def owners(paths):
    """{path: {package, ...}} by dpkg -S, trying the path as given, resolved, and across the
    merged /usr (files under /lib are recorded there or under /usr/lib)."""
    def candidates(p):
        real = os.path.realpath(p)
        out = [p, real]
        for c in (p, real):
            out.append(c[4:] if c.startswith("/usr/") else "/usr" + c)
        return out

    wanted = {path: list(dict.fromkeys(candidates(path))) for path in paths}
    everything = sorted({c for cands in wanted.values() for c in cands})
    found = {}
    for line in run("dpkg-query", "-S", *everything, check=False).stdout.splitlines():
        head, _, owned = line.partition(": ")
        found.setdefault(owned.strip(), set()).update(bare(p) for p in head.split(","))
    result = {}
    for path, cands in wanted.items():
        for candidate in cands:
            if candidate in found:
                result[path] = found[candidate]
                break
    return result


def evaluate(files, programs, group, packages):
    """The problems: files whose package the build group does not bring."""
    have = closure(group, packages)
    program_paths = {}
    problems = []
    for prog in programs:
        path = shutil.which(prog)
        if path is None:
            problems.append(f"program {prog}: not found")
        else:
            program_paths[path] = prog
    owned = owners(sorted(files | set(program_paths)))
    for path in sorted(files | set(program_paths)):
        prog = program_paths.get(path)
        pkgs = owned.get(path)
        what = f"program {prog} ({path})" if prog else path
        if not pkgs:
            if prog in ACCEPTED_ELSEWHERE and ACCEPTED_ELSEWHERE[prog] in group:
                continue  # node/npm from outside Debian: deps.sh accepts them
            problems.append(f"{what}: belongs to no Debian package")
        elif not pkgs & have:
            problems.append(f"{what}: from {', '.join(sorted(pkgs))}, "
                            "which `scripts/deps.sh build` does not install")
    return problems, owned


def main(setup_args):
    group = build_group()
    packages = installed_packages()
    scratch = tempfile.mkdtemp(prefix="tsunagu-run-deps-")
    try:
        build_dir = os.path.join(scratch, "build")
        run("meson", "setup", build_dir, *setup_args, cwd=REPO)
        log = (Path(build_dir) / "meson-logs" / "meson-log.txt").read_text(errors="replace")
        compiler = re.search(r"^C compiler for the host machine: (\S+)", log, re.M).group(1)
        files, programs = resolved_files(build_dir, compiler)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    problems, owned = evaluate(files, programs, group, packages)
    needed = sorted({p for pkgs in owned.values() for p in pkgs})
    print(f"run build ({' '.join(setup_args)}): {len(files)} files and {len(programs)} programs "
          f"from {len(needed)} packages")
    if problems:
        print("needed by the run build but not installed by `scripts/deps.sh build`:")
        for p in problems:
            print("  " + p)
        print("add the package to the build group of scripts/deps.sh, or make the dependency "
              "optional in the run build")
        return 1
    # Self-test: a build-group package that owns one of the files and that nothing else in the
    # group pulls in, taken out of the group, must be reported.
    direct = sorted({p for pkgs in owned.values() for p in pkgs if p in group})
    victims = [p for p in direct if p not in closure(group - {p}, packages)]
    if not victims:
        print("self-test: no build-group package could be taken out to test the check")
        return 1
    victim = victims[0]
    again, _ = evaluate(files, programs, group - {victim}, packages)
    if not any(victim in p for p in again):
        print(f"self-test: without {victim} in the build group the check saw nothing")
        return 1
    print(f"every one is installed by `scripts/deps.sh build` (self-test: without {victim} "
          f"it reports {len(again)} problems)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
