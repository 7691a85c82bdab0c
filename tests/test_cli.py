"""Exit codes and JSON of the command line."""

import json

from symbackprop.cli.exits import Exit
from symbackprop.cli.main import main


def run(capsys, *argv):
    code = main(list(argv))
    return code, capsys.readouterr()


def test_check_proved_json(capsys):
    code, out = run(capsys, "check", "--problem", "mle-sheet4", "--format", "json",
                    r"\underline{\delta}^{(L)} = \hat{\underline{y}} - \underline{y}")
    data = json.loads(out.out)
    assert code == Exit.OK
    assert data["verdict"] == "proved" and data["witness"] is None and "Σ y = 1" in data["conditions"]
    assert set(data) >= {"verdict", "reason", "witness", "seconds"}


def test_check_refuted_has_witness(capsys):
    code, out = run(capsys, "check", "--problem", "mle-sheet4", "--activation", "generic", "--format", "json",
                    r"\delta^{(L-1)} = ( W^{(L-1)\top} \delta^{(L)} ) \odot \phi'( \mathbf{z}^{(L-1)} )")
    data = json.loads(out.out)
    assert code == Exit.FAILED and data["verdict"] == "refuted"
    assert data["witness"]["functions"] and data["witness"]["values"]


def test_check_unparseable_exit_2(capsys):
    code, out = run(capsys, "check", "--problem", "mle-sheet4", "--format", "json", r"\frac{x")
    assert code == Exit.UNDECIDED and json.loads(out.out)["verdict"] == "unparseable"


def test_unknown_problem_suggests(capsys):
    code, out = run(capsys, "check", "--problem", "mle-sheet5", "x = 1")
    assert code == Exit.UNDECIDED and "mle-sheet4" in out.err


def test_help_exits_zero(capsys):
    assert main(["check", "--help"]) == 0
    assert main(["verify", "--help"]) == 0
