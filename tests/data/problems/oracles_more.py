"""PyTorch oracles for the hand-written problem files, continued (see
`oracles` for the format): shared weights, two heads, log-softmax, ridge,
a layered tanh network; and the table of every file's oracle."""

from oracles import BCE_BATCH, LOGREG, RESBLOCK, SOFTMAX_L2, TANH_WD, _e, _n  # noqa: F401 - shared helpers


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
