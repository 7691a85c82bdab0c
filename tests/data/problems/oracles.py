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
