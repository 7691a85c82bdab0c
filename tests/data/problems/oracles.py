"""PyTorch oracles for the hand-written problem files: each file's forward
pass written again by hand (not read from its LaTeX), and for each claim
marked proved or refuted the two sides, computed with autograd.

ORACLES[file stem] = {
  "leaves": [(name, shape as size names, kind)],  kind: any | prob | one-hot | simplex | positive
  "forward": (torch, values, f) -> the named intermediates, with the loss as "L",
  "claims": {claim id: (env, torch) -> (left side, right side)},
}
env.v holds every value, env.g(name) is dL/d name, env.jac(out, wrt) the
Jacobian d out / d wrt (rows follow out), env.f / env.df the function a
choice stands for (a random cubic for "generic") and its derivative.
"""


def _logreg_forward(torch, v, f):
    z = v["w"] @ v["x"] + v["b"]
    yhat = torch.sigmoid(z)
    y = v["y"]
    return {"z": z, "yhat": yhat, "L": -y * torch.log(yhat) - (1 - y) * torch.log(1 - yhat)}


def _e(env):
    return env.v["yhat"] - env.v["y"]


LOGREG = {
    "leaves": [("x", ["d"], "any"), ("y", [], "prob"), ("w", ["d"], "any"), ("b", [], "any")],
    "forward": _logreg_forward,
    "claims": {
        "dL-dz": lambda env, t: (env.g("z"), _e(env)),
        "dL-dz-sign": lambda env, t: (env.g("z"), -_e(env)),
        "dL-dw": lambda env, t: (env.g("w"), _e(env) * env.v["x"]),
        "grad-w-sigma": lambda env, t: (env.g("w"), (t.sigmoid(env.v["w"] @ env.v["x"] + env.v["b"]) - env.v["y"])
                                        * env.v["x"]),
        "dL-dw-wrong-vector": lambda env, t: (env.g("w"), _e(env) * env.v["w"]),
        "dL-dw-entry": lambda env, t: (env.g("w"), t.stack([_e(env) * env.v["x"][j] for j in range(len(env.v["x"]))])),
        "dL-dw-entry-extra-factor": lambda env, t: (env.g("w"), env.v["yhat"] * (1 - env.v["yhat"]) * _e(env)
                                                    * env.v["x"]),
        "dL-db": lambda env, t: (env.g("b"), _e(env)),
        "dL-dx": lambda env, t: (env.g("x"), _e(env) * env.v["w"]),
        "dL-dyhat": lambda env, t: (env.g("yhat"), -env.v["y"] / env.v["yhat"] + (1 - env.v["y"]) / (1 - env.v["yhat"])),
        "dL-dyhat-sign": lambda env, t: (env.g("yhat"), -env.v["y"] / env.v["yhat"]
                                         - (1 - env.v["y"]) / (1 - env.v["yhat"])),
        "sigma-prime": lambda env, t: (env.jac("yhat", "z"), t.sigmoid(env.v["z"]) * (1 - t.sigmoid(env.v["z"]))),
        "dyhat-dz": lambda env, t: (env.jac("yhat", "z"), env.v["yhat"] * (1 - env.v["yhat"])),
        "dyhat-dz-wrong": lambda env, t: (env.jac("yhat", "z"), env.v["yhat"]),
        "chain": lambda env, t: (env.g("w"), env.g("yhat") * env.jac("yhat", "z") * env.v["x"]),
        "loss-softplus-form": lambda env, t: (env.v["L"], t.log(1 + t.exp(-env.v["z"])) + (1 - env.v["y"]) * env.v["z"]),
        "loss-softplus-form-sign": lambda env, t: (env.v["L"], t.log(1 + t.exp(-env.v["z"])) + env.v["y"] * env.v["z"]),
    },
}


def _batch_forward(torch, v, f):
    X, y, N = v["X"], v["y"], v["X"].shape[1]
    z = X.T @ v["w"] + v["b"] * torch.ones(N, dtype=X.dtype)
    yhat = torch.sigmoid(z)
    return {"z": z, "yhat": yhat, "L": -(y * torch.log(yhat) + (1 - y) * torch.log(1 - yhat)).sum() / N}


def _n(env):
    return env.v["X"].shape[1]


BCE_BATCH = {
    "leaves": [("X", ["d", "N"], "any"), ("y", ["N"], "prob"), ("w", ["d"], "any"), ("b", [], "any")],
    "forward": _batch_forward,
    "claims": {
        "dL-dz": lambda env, t: (env.g("z"), _e(env) / _n(env)),
        "dL-dz-no-mean": lambda env, t: (env.g("z"), _e(env)),
        "dL-dz-entry": lambda env, t: (env.g("z"), t.stack([_e(env)[i] / _n(env) for i in range(_n(env))])),
        "grad-w": lambda env, t: (env.g("w"), env.v["X"] @ _e(env) / _n(env)),
        "grad-w-sign": lambda env, t: (env.g("w"), env.v["X"] @ (-_e(env)) / _n(env)),
        "grad-w-entry": lambda env, t: (env.g("w"), (env.v["X"] * _e(env)[None, :]).sum(1) / _n(env)),
        "grad-w-entry-no-mean": lambda env, t: (env.g("w"), (env.v["X"] * _e(env)[None, :]).sum(1)),
        "dL-db": lambda env, t: (env.g("b"), _e(env).sum() / _n(env)),
        "dL-db-ones": lambda env, t: (env.g("b"), t.ones(_n(env), dtype=t.float64) @ _e(env) / _n(env)),
        "dL-db-no-mean": lambda env, t: (env.g("b"), _e(env).sum()),
        "dyhat-dz-entry": lambda env, t: (t.diagonal(env.jac("yhat", "z")), env.v["yhat"] * (1 - env.v["yhat"])),
        "dyhat-dz-jacobian": lambda env, t: (env.jac("yhat", "z"), t.diag(env.v["yhat"] * (1 - env.v["yhat"]))),
        "dL-dX": lambda env, t: (env.g("X"), t.outer(env.v["w"], _e(env)) / _n(env)),
        "forward-entry": lambda env, t: (env.v["z"], (env.v["X"] * env.v["w"][:, None]).sum(0) + env.v["b"]),
    },
}


def _tanh_forward(torch, v, f):
    a = v["W1"] @ v["x"] + v["b1"]
    h = torch.tanh(a)
    yhat = v["W2"] @ h + v["b2"]
    L = 0.5 * ((yhat - v["y"]) ** 2).sum() + v["lam"] / 2 * (v["W1"] ** 2).sum() + v["lam"] / 2 * (v["W2"] ** 2).sum()
    return {"a": a, "h": h, "yhat": yhat, "L": L}


def _back(env):
    """W_2^T (yhat - y): dL/dh."""
    return env.v["W2"].T @ _e(env)


def _tp(env, t):
    """tanh'(a) from autograd, not from 1 - tanh^2."""
    return t.diagonal(env.jac("h", "a"))


TANH_WD = {
    "leaves": [("x", ["d"], "any"), ("y", ["K"], "any"), ("W1", ["H", "d"], "any"), ("b1", ["H"], "any"),
               ("W2", ["K", "H"], "any"), ("b2", ["K"], "any"), ("lam", [], "positive")],
    "forward": _tanh_forward,
    "claims": {
        "dL-dyhat": lambda env, t: (env.g("yhat"), _e(env)),
        "grad-W2": lambda env, t: (env.g("W2"), t.outer(_e(env), env.v["h"]) + env.v["lam"] * env.v["W2"]),
        "grad-W2-no-decay": lambda env, t: (env.g("W2"), t.outer(_e(env), env.v["h"])),
        "grad-W2-half-decay": lambda env, t: (env.g("W2"), t.outer(_e(env), env.v["h"]) + env.v["lam"] / 2 * env.v["W2"]),
        "grad-b2": lambda env, t: (env.g("b2"), _e(env)),
        "grad-b2-decayed": lambda env, t: (env.g("b2"), _e(env) + env.v["lam"] * env.v["b2"]),
        "dL-dh": lambda env, t: (env.g("h"), _back(env)),
        "dL-da-hadamard": lambda env, t: (env.g("a"), _back(env) * (1 - env.v["h"] * env.v["h"])),
        "dL-da-tanh-prime": lambda env, t: (env.g("a"), _back(env) * _tp(env, t)),
        "dL-da-entry": lambda env, t: (env.g("a"), (1 - env.v["h"] ** 2) * (env.v["W2"] * _e(env)[:, None]).sum(0)),
        "dL-da-entry-wrong-place": lambda env, t: (env.g("a"), (1 - env.v["a"] ** 2)
                                                   * (env.v["W2"] * _e(env)[:, None]).sum(0)),
        "tanh-prime-entry": lambda env, t: (_tp(env, t), 1 - t.tanh(env.v["a"]) ** 2),
        "grad-W1": lambda env, t: (env.g("W1"), t.outer(_back(env) * _tp(env, t), env.v["x"])
                                   + env.v["lam"] * env.v["W1"]),
        "grad-W1-no-decay": lambda env, t: (env.g("W1"), t.outer(_back(env) * _tp(env, t), env.v["x"])),
        "grad-W1-entry": lambda env, t: (env.g("W1"), t.outer((1 - env.v["h"] ** 2) * _back(env), env.v["x"])
                                         + env.v["lam"] * env.v["W1"]),
        "grad-b1": lambda env, t: (env.g("b1"), _back(env) * _tp(env, t)),
        "grad-x": lambda env, t: (env.g("x"), env.v["W1"].T @ (_back(env) * _tp(env, t))),
    },
}


def _res_forward(torch, v, f):
    u = v["W1"] @ v["x"] + v["b1"]
    z = v["x"] + v["W2"] @ f(u)
    return {"u": u, "z": z, "L": 0.5 * ((z - v["y"]) ** 2).sum()}


def _r(env):
    return env.v["z"] - env.v["y"]


def _eye(env, t):
    return t.eye(env.v["x"].shape[0], dtype=t.float64)


def _dphi(env, t):
    return t.diag(env.df(env.v["u"]))


RESBLOCK = {
    "leaves": [("x", ["d"], "any"), ("y", ["d"], "any"), ("W1", ["H", "d"], "any"), ("b1", ["H"], "any"),
               ("W2", ["d", "H"], "any")],
    "forward": _res_forward,
    "claims": {
        "jacobian": lambda env, t: (env.jac("z", "x"), _eye(env, t) + env.v["W2"] @ _dphi(env, t) @ env.v["W1"]),
        "jacobian-no-skip": lambda env, t: (env.jac("z", "x"), env.v["W2"] @ _dphi(env, t) @ env.v["W1"]),
        "jacobian-transposed": lambda env, t: (env.jac("z", "x"), _eye(env, t)
                                               + env.v["W1"].T @ _dphi(env, t) @ env.v["W2"].T),
        "jacobian-entry": lambda env, t: (env.jac("z", "x"), _eye(env, t) + t.einsum(
            "ik,k,kj->ij", env.v["W2"], env.df(env.v["u"]), env.v["W1"])),
        "jacobian-entry-no-skip": lambda env, t: (env.jac("z", "x"), t.einsum(
            "ik,k,kj->ij", env.v["W2"], env.df(env.v["u"]), env.v["W1"])),
        "jacobian-entry-phi-not-prime": lambda env, t: (env.jac("z", "x"), _eye(env, t) + t.einsum(
            "ik,k,kj->ij", env.v["W2"], env.f(env.v["u"]), env.v["W1"])),
        "dL-dz": lambda env, t: (env.g("z"), _r(env)),
        "grad-x": lambda env, t: (env.g("x"), _r(env) + env.v["W1"].T @ (env.df(env.v["u"]) * (env.v["W2"].T @ _r(env)))),
        "grad-x-no-skip": lambda env, t: (env.g("x"), env.v["W1"].T @ (env.df(env.v["u"]) * (env.v["W2"].T @ _r(env)))),
        "grad-W2": lambda env, t: (env.g("W2"), t.outer(_r(env), env.f(env.v["u"]))),
        "grad-W2-prime": lambda env, t: (env.g("W2"), t.outer(_r(env), env.df(env.v["u"]))),
        "grad-W2-relu-form": lambda env, t: (env.g("W2"), t.outer(_r(env), env.df(env.v["u"]) * env.v["u"])),
        "grad-W1": lambda env, t: (env.g("W1"), t.outer(env.df(env.v["u"]) * (env.v["W2"].T @ _r(env)), env.v["x"])),
        "grad-W1-phi-wrong-place": lambda env, t: (env.g("W1"), t.outer(
            env.df(env.v["W1"] @ env.v["x"]) * (env.v["W2"].T @ _r(env)), env.v["x"])),
        "grad-b1": lambda env, t: (env.g("b1"), env.df(env.v["u"]) * (env.v["W2"].T @ _r(env))),
        "dz-db1": lambda env, t: (env.jac("z", "b1"), env.v["W2"] @ _dphi(env, t)),
    },
}


def _softmax_forward(torch, v, f):
    z = v["W"] @ v["x"] + v["b"]
    yhat = torch.softmax(z, 0)
    return {"z": z, "yhat": yhat, "L": -(v["y"] * torch.log(yhat)).sum() + v["lam"] / 2 * (v["W"] ** 2).sum()}


SOFTMAX_L2 = {
    "leaves": [("x", ["d"], "any"), ("y", ["K"], "one-hot"), ("W", ["K", "d"], "any"), ("b", ["K"], "any"),
               ("lam", [], "positive")],
    "forward": _softmax_forward,
    "claims": {
        "dL-dz": lambda env, t: (env.g("z"), _e(env)),
        "dL-dz-sign": lambda env, t: (env.g("z"), -_e(env)),
        "grad-W": lambda env, t: (env.g("W"), t.outer(_e(env), env.v["x"]) + env.v["lam"] * env.v["W"]),
        "grad-W-no-decay": lambda env, t: (env.g("W"), t.outer(_e(env), env.v["x"])),
        "grad-W-double-decay": lambda env, t: (env.g("W"), t.outer(_e(env), env.v["x"]) + 2 * env.v["lam"] * env.v["W"]),
        "grad-W-entry": lambda env, t: (env.g("W"), _e(env)[:, None] * env.v["x"][None, :] + env.v["lam"] * env.v["W"]),
        "grad-W-entry-no-decay": lambda env, t: (env.g("W"), _e(env)[:, None] * env.v["x"][None, :]),
        "grad-b": lambda env, t: (env.g("b"), _e(env)),
        "grad-b-decayed": lambda env, t: (env.g("b"), _e(env) + env.v["lam"] * env.v["b"]),
        "dsoftmax": lambda env, t: (env.jac("yhat", "z"), t.diag(env.v["yhat"]) - t.outer(env.v["yhat"], env.v["yhat"])),
        "dsoftmax-no-kronecker": lambda env, t: (env.jac("yhat", "z"), t.outer(env.v["yhat"], 1 - env.v["yhat"])),
        "log-softmax": lambda env, t: (t.log(env.v["yhat"]), env.v["z"] - t.log(t.exp(env.v["z"]).sum())),
        "loss-logsumexp": lambda env, t: (env.v["L"], -(env.v["y"] * env.v["z"]).sum() + t.log(t.exp(env.v["z"]).sum())
                                          + env.v["lam"] / 2 * (env.v["W"] ** 2).sum()),
        "loss-no-half": lambda env, t: (env.v["L"], -(env.v["y"] * t.log(env.v["yhat"])).sum()
                                        + env.v["lam"] * (env.v["W"] ** 2).sum()),
        "grad-x": lambda env, t: (env.g("x"), env.v["W"].T @ _e(env)),
    },
}


def _siamese_forward(torch, v, f):
    s1, s2 = v["W"] @ v["x1"] + v["b"], v["W"] @ v["x2"] + v["b"]
    h1, h2 = f(s1), f(s2)
    return {"s1": s1, "s2": s2, "h1": h1, "h2": h2, "L": 0.5 * ((h1 - h2) ** 2).sum()}


def _rs(env):
    return env.v["h1"] - env.v["h2"]


def _d1(env):
    return env.df(env.v["s1"])


def _d2(env):
    return env.df(env.v["s2"])


SIAMESE = {
    "leaves": [("x1", ["d"], "any"), ("x2", ["d"], "any"), ("W", ["H", "d"], "any"), ("b", ["H"], "any")],
    "forward": _siamese_forward,
    "claims": {
        "dL-dh1": lambda env, t: (env.g("h1"), _rs(env)),
        "dL-dh2": lambda env, t: (env.g("h2"), -_rs(env)),
        "dL-dh2-sign": lambda env, t: (env.g("h2"), _rs(env)),
        "grad-W": lambda env, t: (env.g("W"), t.outer(_rs(env) * _d1(env), env.v["x1"])
                                  - t.outer(_rs(env) * _d2(env), env.v["x2"])),
        "grad-W-one-use": lambda env, t: (env.g("W"), t.outer(_rs(env) * _d1(env), env.v["x1"])),
        "grad-W-plus": lambda env, t: (env.g("W"), t.outer(_rs(env) * _d1(env), env.v["x1"])
                                       + t.outer(_rs(env) * _d2(env), env.v["x2"])),
        "grad-W-entry": lambda env, t: (env.g("W"), _rs(env)[:, None] * (_d1(env)[:, None] * env.v["x1"][None, :]
                                                                          - _d2(env)[:, None] * env.v["x2"][None, :])),
        "grad-b": lambda env, t: (env.g("b"), _rs(env) * (_d1(env) - _d2(env))),
        "grad-b-one-use": lambda env, t: (env.g("b"), _rs(env) * _d1(env)),
        "grad-x1": lambda env, t: (env.g("x1"), env.v["W"].T @ (_rs(env) * _d1(env))),
        "grad-x2": lambda env, t: (env.g("x2"), -env.v["W"].T @ (_rs(env) * _d2(env))),
        "grad-x2-sign": lambda env, t: (env.g("x2"), env.v["W"].T @ (_rs(env) * _d2(env))),
        # phi' from autograd of the forward pass, against the written rule
        "leaky-derivative": lambda env, t: (t.diagonal(env.jac("h1", "s1")),
                                            0.1 + 0.9 * (env.v["s1"] > 0).to(t.float64)),
        "leaky-derivative-wrong-slope": lambda env, t: (t.diagonal(env.jac("h1", "s1")),
                                                        0.01 + 0.99 * (env.v["s1"] > 0).to(t.float64)),
        "leaky-forward": lambda env, t: (env.v["h1"], t.maximum(env.v["s1"] / 10, env.v["s1"])),
    },
}


def _heads_forward(torch, v, f):
    a = v["A"] @ v["x"]
    h = torch.nn.functional.softplus(a)
    p, q = v["u"] @ h, v["v"] @ h
    return {"a": a, "h": h, "p": p, "q": q, "L": (p - v["s"]).abs() + 0.5 * (q - v["t"]) ** 2}


def _sg(env):
    """|.|' at p - s: 1{p > s} - 1{p < s}."""
    e = env.v["p"] - env.v["s"]
    return (e > 0).double() - (e < 0).double()


def _qt(env):
    return env.v["q"] - env.v["t"]


def _dh(env):
    return _sg(env) * env.v["u"] + _qt(env) * env.v["v"]


def _dh_dA(env, t):
    """dh_j / dA_jk, an H x d matrix, from autograd."""
    jac = env.jac("h", "A")
    return t.stack([jac[j, j] for j in range(jac.shape[0])])


TWO_HEADS = {
    "leaves": [("x", ["d"], "any"), ("s", [], "any"), ("t", [], "any"), ("A", ["H", "d"], "any"),
               ("u", ["H"], "any"), ("v", ["H"], "any")],
    "forward": _heads_forward,
    "claims": {
        "dL-dq": lambda env, t: (env.g("q"), _qt(env)),
        "dL-dp": lambda env, t: (env.g("p"), _sg(env)),
        "dL-dp-smooth": lambda env, t: (env.g("p"), env.v["p"] - env.v["s"]),
        "grad-u": lambda env, t: (env.g("u"), _sg(env) * env.v["h"]),
        "grad-v": lambda env, t: (env.g("v"), _qt(env) * env.v["h"]),
        "grad-v-wrong-vector": lambda env, t: (env.g("v"), _qt(env) * env.v["v"]),
        "dL-dh": lambda env, t: (env.g("h"), _dh(env)),
        "dL-dh-one-head": lambda env, t: (env.g("h"), _qt(env) * env.v["v"]),
        "dh-dA": lambda env, t: (_dh_dA(env, t), t.outer(t.sigmoid(env.v["A"] @ env.v["x"]), env.v["x"])),
        "dh-dA-softplus": lambda env, t: (_dh_dA(env, t), t.outer(t.nn.functional.softplus(env.v["A"] @ env.v["x"]),
                                                                  env.v["x"])),
        "h-entry": lambda env, t: (env.v["h"], t.log(1 + t.exp(env.v["A"] @ env.v["x"]))),
        "h-entry-sign": lambda env, t: (env.v["h"], t.log(1 + t.exp(-(env.v["A"] @ env.v["x"])))),
        "grad-A": lambda env, t: (env.g("A"), t.outer(_dh(env) * t.sigmoid(env.v["a"]), env.v["x"])),
        "grad-A-one-head": lambda env, t: (env.g("A"), t.outer(_qt(env) * env.v["v"] * t.sigmoid(env.v["a"]),
                                                               env.v["x"])),
        "grad-x": lambda env, t: (env.g("x"), env.v["A"].T @ (_dh(env) * t.sigmoid(env.v["a"]))),
    },
}


def _lsm_forward(torch, v, f):
    o = v["W"] @ v["x"] + v["b"]
    ell = torch.log(torch.softmax(o, 0))
    return {"o": o, "ell": ell, "L": -v["y"] @ ell}


def _p(env, t):
    return t.exp(env.v["o"]) / t.exp(env.v["o"]).sum()


def _dlsm(env, t):
    return env.jac("ell", "o")


LOGSOFTMAX = {
    "leaves": [("x", ["d"], "any"), ("y", ["C"], "simplex"), ("W", ["C", "d"], "any"), ("b", ["C"], "any")],
    "forward": _lsm_forward,
    "claims": {
        "dL-dell": lambda env, t: (env.g("ell"), -env.v["y"]),
        "dL-dell-sign": lambda env, t: (env.g("ell"), env.v["y"]),
        "dL-do": lambda env, t: (env.g("o"), t.softmax(env.v["o"], 0) - env.v["y"]),
        "dL-do-no-normaliser": lambda env, t: (env.g("o"), -env.v["y"]),
        "dL-do-entry-general": lambda env, t: (env.g("o"), (env.v["y"][:, None] * (_p(env, t)[None, :]
                                                                                  - t.eye(len(env.v["o"])))).sum(0)),
        "dlogsoftmax": lambda env, t: (_dlsm(env, t), t.eye(len(env.v["o"])) - _p(env, t)[None, :]),
        "dlogsoftmax-swapped": lambda env, t: (_dlsm(env, t), t.eye(len(env.v["o"])) - _p(env, t)[:, None]),
        "logsoftmax-entry": lambda env, t: (env.v["ell"], env.v["o"] - t.log(t.exp(env.v["o"]).sum())),
        "logsoftmax-entry-sign": lambda env, t: (env.v["ell"], env.v["o"] + t.log(t.exp(env.v["o"]).sum())),
        "probabilities-sum-to-one": lambda env, t: (t.exp(env.v["ell"]).sum(), t.tensor(1.0, dtype=t.float64)),
        "grad-W": lambda env, t: (env.g("W"), t.outer(t.softmax(env.v["o"], 0) - env.v["y"], env.v["x"])),
        "grad-b": lambda env, t: (env.g("b"), t.softmax(env.v["o"], 0) - env.v["y"]),
        "loss-logsumexp": lambda env, t: (env.v["L"], -(env.v["y"] * env.v["o"]).sum()
                                          + t.log(t.exp(env.v["o"]).sum())),
        "loss-no-normaliser": lambda env, t: (env.v["L"], -(env.v["y"] * env.v["o"]).sum()),
    },
}


def _ridge_forward(torch, v, f):
    r = v["X"].T @ v["w"] - v["y"]
    N = v["X"].shape[1]
    return {"r": r, "L": (r ** 2).sum() / (2 * N) + v["lam"] / 2 * (v["w"] ** 2).sum()}


RIDGE = {
    "leaves": [("X", ["d", "N"], "any"), ("y", ["N"], "any"), ("w", ["d"], "any"), ("lam", [], "positive")],
    "forward": _ridge_forward,
    "claims": {
        "dL-dr": lambda env, t: (env.g("r"), env.v["r"] / _n(env)),
        "grad-w": lambda env, t: (env.g("w"), env.v["X"] @ (env.v["X"].T @ env.v["w"] - env.v["y"]) / _n(env)
                                  + env.v["lam"] * env.v["w"]),
        "grad-w-expanded": lambda env, t: (env.g("w"), (env.v["X"] @ env.v["X"].T @ env.v["w"] - env.v["X"] @ env.v["y"])
                                           / _n(env) + env.v["lam"] * env.v["w"]),
        "grad-w-no-decay": lambda env, t: (env.g("w"), env.v["X"] @ env.v["r"] / _n(env)),
        "grad-w-no-mean": lambda env, t: (env.g("w"), env.v["X"] @ env.v["r"] + env.v["lam"] * env.v["w"]),
        "grad-w-sign": lambda env, t: (env.g("w"), -env.v["X"] @ env.v["r"] / _n(env) + env.v["lam"] * env.v["w"]),
        "grad-w-entry": lambda env, t: (env.g("w"), (env.v["X"] * ((env.v["X"] * env.v["w"][:, None]).sum(0)
                                                                   - env.v["y"])[None, :]).sum(1) / _n(env)
                                        + env.v["lam"] * env.v["w"]),
        "loss-sum": lambda env, t: (env.v["L"], (env.v["r"] ** 2).sum() / (2 * _n(env))
                                    + env.v["lam"] / 2 * (env.v["w"] ** 2).sum()),
        "loss-norm-2-2": lambda env, t: (env.v["L"], t.linalg.vector_norm(env.v["X"].T @ env.v["w"] - env.v["y"]) ** 2
                                         / (2 * _n(env)) + env.v["lam"] / 2 * t.linalg.vector_norm(env.v["w"]) ** 2),
        "loss-no-half": lambda env, t: (env.v["L"], (env.v["r"] ** 2).sum() / _n(env)
                                        + env.v["lam"] / 2 * (env.v["w"] ** 2).sum()),
    },
}


def _deep_forward(torch, v, f):
    a1 = v["W1"] @ v["x"] + v["b1"]
    h1 = torch.tanh(a1)
    a2 = v["W2"] @ h1 + v["b2"]
    L = 0.5 * ((a2 - v["y"]) ** 2).sum() + v["lam"] / 2 * ((v["W1"] ** 2).sum() + (v["W2"] ** 2).sum())
    return {"a1": a1, "h1": h1, "a2": a2, "yhat": a2, "L": L}


def _per_layer(env, t, lhs, rhs):
    """A claim with a free layer l, for every l it covers: both sides stacked (flattened)."""
    return t.cat([lhs(l).reshape(-1) for l in (1, 2)]), t.cat([rhs(l).reshape(-1) for l in (1, 2)])


def _h(env, l):
    return env.v["x"] if l == 1 else env.v["h1"]


def _sech2(t, u):
    """tanh'(u) = 1 / cosh(u)^2, not written as 1 - tanh^2."""
    return 1 / t.cosh(u) ** 2


DEEP = {
    "leaves": [("x", ["d_0"], "any"), ("y", ["d_2"], "any"), ("W1", ["d_1", "d_0"], "any"), ("b1", ["d_1"], "any"),
               ("W2", ["d_2", "d_1"], "any"), ("b2", ["d_2"], "any"), ("lam", [], "positive")],
    "forward": _deep_forward,
    "claims": {
        "delta-L": lambda env, t: (env.g("a2"), _e(env)),
        "delta-L-sign": lambda env, t: (env.g("a2"), -_e(env)),
        "delta-recursion": lambda env, t: (env.g("a1"), env.v["W2"].T @ env.g("a2") * _sech2(t, env.v["a1"])),
        "delta-recursion-wrong-place": lambda env, t: (env.g("a1"), env.v["W2"].T @ env.g("a2")
                                                       * _sech2(t, env.v["h1"])),
        "delta-recursion-entry": lambda env, t: (env.g("a1"), (1 - env.v["h1"] ** 2)
                                                 * (env.v["W2"] * env.g("a2")[:, None]).sum(0)),
        "grad-W": lambda env, t: _per_layer(env, t, lambda l: env.g(f"W{l}"), lambda l: t.outer(
            env.g(f"a{l}"), _h(env, l)) + env.v["lam"] * env.v[f"W{l}"]),
        "grad-W-no-decay": lambda env, t: _per_layer(env, t, lambda l: env.g(f"W{l}"),
                                                     lambda l: t.outer(env.g(f"a{l}"), _h(env, l))),
        "grad-W-entry": lambda env, t: _per_layer(env, t, lambda l: env.g(f"W{l}"), lambda l: env.g(f"a{l}")[:, None]
                                                  * _h(env, l)[None, :] + env.v["lam"] * env.v[f"W{l}"]),
        "grad-b": lambda env, t: _per_layer(env, t, lambda l: env.g(f"b{l}"), lambda l: env.g(f"a{l}")),
        "grad-b-decayed": lambda env, t: _per_layer(env, t, lambda l: env.g(f"b{l}"),
                                                    lambda l: env.g(f"a{l}") + env.v["lam"] * env.v[f"b{l}"]),
        "grad-W1-explicit": lambda env, t: (env.g("W1"), t.outer(env.v["W2"].T @ _e(env) * _sech2(
            t, env.v["W1"] @ env.v["x"] + env.v["b1"]), env.v["x"]) + env.v["lam"] * env.v["W1"]),
    },
}


ORACLES = {
    "logreg-bce": LOGREG,
    "bce-batch": BCE_BATCH,
    "tanh-wd": TANH_WD,
    "resblock": RESBLOCK,
    "softmax-l2": SOFTMAX_L2,
    "siamese-leaky": SIAMESE,
    "two-heads": TWO_HEADS,
    "two-heads-bars": TWO_HEADS,
    "logsoftmax-nll": LOGSOFTMAX,
    "tanh-wd-styles": TANH_WD,
    "bce-batch-broadcast": BCE_BATCH,
    "ridge-l2norm": RIDGE,
    "deep-tanh-wd": DEEP,
    "deep-tanh-wd2": DEEP,
    "logreg-bce-args": LOGREG,
    "tanh-wd-brackets": TANH_WD,
}
