#!/usr/bin/env bash
# Idempotent set-up shared by scripts/render and scripts/test:
#   1. Debian packages Manim needs (cairo/pango headers, pkg-config, ffmpeg, a TeX Live subset, dvisvgm);
#   2. a virtual environment in .venv with the project installed (editable, with test extras).
# A second run checks and skips in about a second.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PYTHON_BIN="${PYTHON:-python3}"

APT_PACKAGES=(
  pkg-config libcairo2-dev libpango1.0-dev ffmpeg
  texlive-latex-base texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended
  texlive-science cm-super-minimal dvisvgm fonts-lmodern
)

log() { printf '[setup] %s\n' "$*" >&2; }

missing=()
# A compiler and Python headers are needed to build ManimPango; pyenv-style Pythons bring their own headers.
command -v gcc >/dev/null || missing+=(build-essential)
"$PYTHON_BIN" -c 'import ensurepip' 2>/dev/null || missing+=(python3-venv)
"$PYTHON_BIN" -c 'import os, sysconfig; raise SystemExit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
  || missing+=(python3-dev)
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
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
  "$VENV/bin/python" -m pip install -q -e "$ROOT[test]" 2> >(grep -v -e "is ignored: it is neither" -e BuildBackendWarning >&2)
  rm -f "$VENV"/.installed-*
  touch "$stamp"
fi
