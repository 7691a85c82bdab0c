"""Reading submissions: TOML, CSV, folders; a bad file is reported, never fatal."""

from symbackprop.outputs import safe_name, write_atomic
from symbackprop.grading.submissions import read_submissions


def test_toml_csv_and_folders(tmp_path):
    (tmp_path / "a.toml").write_text('problem = "mle-sheet4"\nstudent = "jdoe"\n[[answer]]\nlabel = "t1"\n'
                                     "equation = '''\\delta^{(L)} = \\hat{y} - y'''\n")
    (tmp_path / "b.csv").write_text('student,problem,label,equation\nkim,mle-sheet4,t1,"\\delta^{(L)} = y"\n'
                                    'kim,mle-sheet4,t2,"x = 1"\nlee,cs446-hw0,c1,"z_k = 1"\n')
    subs = {s.key: s for s in read_submissions([tmp_path])}
    assert set(subs) == {("jdoe", "mle-sheet4"), ("kim", "mle-sheet4"), ("lee", "cs446-hw0")}
    assert [a.label for a in subs[("kim", "mle-sheet4")].answers] == ["t1", "t2"]
    assert subs[("jdoe", "mle-sheet4")].answers[0].equation == r"\delta^{(L)} = \hat{y} - y"


def test_bad_files_become_errors(tmp_path):
    (tmp_path / "broken.toml").write_text("problem = [unclosed")
    (tmp_path / "noproblem.toml").write_text('student = "x"\n')
    (tmp_path / "bad.csv").write_text("name,answer\nx,y\n")
    (tmp_path / "binary.toml").write_bytes(b"\xff\xfe\x00garbage")
    subs = read_submissions([tmp_path])
    assert len(subs) == 4 and all(s.error for s in subs)


def test_safe_names_and_atomic_writes(tmp_path):
    assert "/" not in safe_name("../../etc/passwd") and not safe_name("..").startswith(".")
    assert safe_name("jdoe") == "jdoe" and safe_name("a b") != safe_name("a_b")
    write_atomic(tmp_path / "x" / "f.txt", "hello")
    assert (tmp_path / "x" / "f.txt").read_text() == "hello"
    assert [p.name for p in (tmp_path / "x").iterdir()] == ["f.txt"]


def test_spreadsheet_exports(tmp_path):
    (tmp_path / "bom.csv").write_bytes("\ufeffstudent,problem,label,equation\nann,mle-sheet4,t1,x = 1\n".encode())
    (tmp_path / "semi.csv").write_text("student;problem;label;equation\nbob;mle-sheet4;t1;\"a, b = 1\"\n")
    subs = {s.student: s for s in read_submissions([tmp_path])}
    assert not subs["ann"].error and subs["ann"].answers[0].equation == "x = 1"
    assert not subs["bob"].error and subs["bob"].answers[0].equation == "a, b = 1"


def test_the_last_attempt_per_label_wins(tmp_path):
    (tmp_path / "a.toml").write_text('problem = "mle-sheet4"\nstudent = "jdoe"\n'
                                     '[[answer]]\nlabel = "t1"\nequation = "first"\n'
                                     '[[answer]]\nlabel = "t2"\nequation = "other"\n'
                                     '[[answer]]\nlabel = "t1"\nequation = "second"\n')
    (tmp_path / "b.csv").write_text("student,problem,label,equation\njdoe,mle-sheet4,t1,third\n")
    [s] = read_submissions([tmp_path])
    assert [(a.label, a.equation) for a in s.answers] == [("t1", "third"), ("t2", "other")]
    assert s.notes == ("t1: answered 3 times; the last answer is graded",)


def test_caps_warn_and_can_be_raised(tmp_path):
    rows = "".join(f"kim,mle-sheet4,t{k % 5 + 1},x = {k}\n" for k in range(20))
    (tmp_path / "big.csv").write_text("student,problem,label,equation\n" + rows)
    [s] = read_submissions([tmp_path], max_answers=10)
    assert len(s.warnings) == 1 and "20 answers" in s.warnings[0] and "--max-answers" in s.warnings[0]
    assert {a.equation for a in s.answers} == {f"x = {k}" for k in range(5, 10)}  # read up to the cap, then last
    [s] = read_submissions([tmp_path], max_answers=100)
    assert not s.warnings and {a.equation for a in s.answers} == {f"x = {k}" for k in range(15, 20)}
    [s] = read_submissions([tmp_path], max_bytes=50)
    assert s.error and "--max-bytes" in s.error and s.warnings
