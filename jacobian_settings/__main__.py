"""``python -m jacobian_settings``: write ``assets/default.toml`` from the declared sections (``--check``: exit 1
if the file differs from them)."""

from __future__ import annotations

import sys

from jacobian_settings import DEFAULT_CONFIG, default_toml


def main(argv: list[str]) -> int:
    text = default_toml()
    if "--check" in argv:
        same = DEFAULT_CONFIG.read_text(encoding="utf-8") == text
        print(f"{DEFAULT_CONFIG}: {'up to date' if same else 'differs from the declared sections'}")
        return 0 if same else 1
    DEFAULT_CONFIG.write_text(text, encoding="utf-8")
    print(f"wrote {DEFAULT_CONFIG}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
