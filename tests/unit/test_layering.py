"""The engine must import nothing else of ``oms``: the import-linter contract has to list every
other top-level package, so this test fails when a new one is added without it."""

import tomllib
from pathlib import Path

import oms

ROOT = Path(__file__).resolve().parents[2]


def test_engine_contract_forbids_every_other_oms_package() -> None:
    # given
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["source_modules"] == ["oms.engine"])
    package_dir = Path(oms.__file__).parent
    # when
    siblings = {
        f"oms.{p.stem}"
        for p in package_dir.iterdir()
        if p.stem != "engine" and not p.stem.startswith("_") and (p.suffix == ".py" or (p / "__init__.py").exists())
    }
    # then
    assert siblings <= set(contract["forbidden_modules"])
