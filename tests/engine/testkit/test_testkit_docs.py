"""docs/engine-testing.md shows the test kit example verbatim: this keeps the two in step."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DOCS = ROOT / "docs" / "engine-testing.md"
EXAMPLE = Path(__file__).with_name("test_testkit_example.py")


def test_the_documented_example_is_the_testkit_example_test() -> None:
    # given
    section = DOCS.read_text(encoding="utf-8").split("## Example", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match is not None, "docs/engine-testing.md has no python example under '## Example'"
    # when
    documented = match.group(1).strip()
    tested = EXAMPLE.read_text(encoding="utf-8").split('"""', 2)[2].strip()
    # then
    assert documented == tested, "docs/engine-testing.md and test_testkit_example.py differ: update both"
