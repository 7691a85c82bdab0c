"""Issue 10 §5: nothing in the notation is silently dropped.

Primes on named functions are derivatives (ReLU' is the step with
ReLU'(0) = 0, tanh' = 1 - tanh², σ' = σ(1 - σ)); Unicode transposes and
combining accents are read; δ with two indices and no layer is Kronecker's
in every problem; a decoration that can't be given a meaning is ill-formed
with a position.  Each row: (problem, claim, verdict) — the verdict for
every activation the problem checks, or {activation: verdict}.
"""

import pytest

from symbackprop.catalogue.load import load_problem
from symbackprop.proof.check import check

MLE, CS, A1, HINGE, EX2 = "mle-sheet4", "cs446-hw0", "assignment1", "assignment1-hinge", "assignment1-ex2"
RELU_ONLY = {"relu": "proved", "generic": "refuted"}

PRIMES = [
    # the claim: the prime used to be ignored, so this was "proved"
    (MLE, r"\text{ReLU}'(\tilde z^{(L)}) = \text{ReLU}(\tilde z^{(L)})", "refuted"),
    (MLE, r"\operatorname{ReLU}'(\tilde z^{(L)}) = \operatorname{ReLU}(\tilde z^{(L)})", "refuted"),
    (MLE, r"\text{ReLU}'(\tilde{z}^{(l)}) = \mathbb{1}\{\tilde{z}^{(l)} > 0\}", "proved"),
    (MLE, r"\text{ReLU}'(\tilde{z}^{(l)}_i) = \mathbb{1}[\tilde{z}^{(l)}_i > 0]", "proved"),
    (MLE, r"\text{relu}'(\tilde{z}^{(l)}_i) = \mathbf{1}_{\{\tilde{z}^{(l)}_i > 0\}}", "proved"),
    (MLE, r"\operatorname{ReLU'}(\tilde{z}^{(l)}_i) = \mathbf{1}_{\{\tilde{z}^{(l)}_i > 0\}}", "proved"),
    (MLE, r"\operatorname{ReLU}'(\tilde{z}^{(l)}) = \phi'(\tilde{z}^{(l)})", RELU_ONLY),
    (MLE, r"\delta^{(l)} = (W^{(l)})^T \delta^{(l+1)} \odot \text{ReLU}'(\tilde{z}^{(l)})", RELU_ONLY),
    (MLE, r"\delta^{(l)} = (W^{(l)})^T \delta^{(l+1)} \odot \text{ReLU}(\tilde{z}^{(l)})", "refuted"),
    (MLE, r"\text{ReLU}''(\tilde{z}^{(L)}) = 0", "ill-formed"),
    (MLE, r"\phi''(\tilde{z}^{(L)}) = 0", {"relu": "ill-formed", "generic": "refuted"}),
    (MLE, r"\tanh'(\tilde{z}^{(L)}_i) = 1 - \tanh^2(\tilde{z}^{(L)}_i)", "proved"),
    (MLE, r"\tanh'(\tilde{z}^{(L)}_i) = 1 - \tanh(\tilde{z}^{(L)}_i)^2", "proved"),
    (MLE, r"\tanh^\prime(\tilde{z}^{(L)}_i) = \frac{4}{(e^{\tilde{z}^{(L)}_i} + e^{-\tilde{z}^{(L)}_i})^2}", "proved"),
    (MLE, r"\tanh'(\tilde{z}^{(L)}_i) = 1 + \tanh^2(\tilde{z}^{(L)}_i)", "refuted"),
    (MLE, r"\tanh'(\tilde{z}^{(L)}_i) = \tanh(\tilde{z}^{(L)}_i)", "refuted"),
    (MLE, r"\tanh''(\tilde{z}^{(L)}_i) = -2 \tanh(\tilde{z}^{(L)}_i) (1 - \tanh^2(\tilde{z}^{(L)}_i))", "proved"),
    (MLE, r"\tanh(\tilde{z}^{(L)}_i) = \frac{e^{\tilde{z}^{(L)}_i} - e^{-\tilde{z}^{(L)}_i}}{e^{\tilde{z}^{(L)}_i} + e^{-\tilde{z}^{(L)}_i}}", "proved"),
    (MLE, r"\tanh(\tilde{z}^{(L)}_i) = 2 \text{sigmoid}(2 \tilde{z}^{(L)}_i) - 1", "proved"),
    (MLE, r"\text{sigmoid}'(\tilde{z}^{(L)}_i) = \text{sigmoid}(\tilde{z}^{(L)}_i)(1 - \text{sigmoid}(\tilde{z}^{(L)}_i))", "proved"),
    (MLE, r"\text{sigmoid}'(\tilde{z}^{(L)}_i) = \text{sigmoid}(\tilde{z}^{(L)}_i)^2", "refuted"),
    (MLE, r"\text{sigmoid}'(\tilde{z}^{(L)}_i) = \text{sigmoid}(\tilde{z}^{(L)}_i)", "refuted"),
    (MLE, r"\text{sigmoid}(\tilde{z}^{(L)}_i) = \frac{1}{1 + e^{-\tilde{z}^{(L)}_i}}", "proved"),
    (MLE, r"\exp'(\tilde{z}^{(L)}_i) = \exp(\tilde{z}^{(L)}_i)", "proved"),
    (MLE, r"\ln'(\hat{y}_i) = \frac{1}{\hat{y}_i}", "proved"),
    (MLE, r"\ln'(\hat{y}_i) = \ln(\hat{y}_i)", "refuted"),
    (MLE, r"\hat y = \sigma'(\tilde z^{(L)})", "ill-formed"),      # σ is softmax here: no elementwise derivative
    (MLE, r"\hat y = \text{softmax}'(\tilde z^{(L)})", "ill-formed"),
    (MLE, r"W'^{(L-1)} = W^{(L-1)}", "ill-formed"),
    (MLE, r"(W^{(L-1)})' = W^{(L-1)}", "ill-formed"),
    (MLE, r"\delta'^{(L)} = \hat{y} - y", "ill-formed"),
    (MLE, r"\hat{y}' = \hat{y}", "ill-formed"),
    (MLE, r"2' = 2", "ill-formed"),
    (MLE, r"\tanh^2'(\tilde{z}^{(L)}_i) = 0", "ill-formed"),
    (CS, r"\frac{\partial z_k}{\partial (\mathbf{b}_1)_h} = (\mathbf{W}_2)_{kh} \text{ReLU}'((\mathbf{W}_1 \mathbf{x} + \mathbf{b}_1)_h)",
     {"relu": "proved", "generic": "refuted"}),
    (CS, r"\frac{\partial z_k}{\partial (\mathbf{b}_1)_h} = (\mathbf{W}_2)_{kh} \mathbf{D}\phi((\mathbf{W}_1 \mathbf{x} + \mathbf{b}_1)_h)", "proved"),
    (CS, r"\frac{\partial z_k}{\partial (\mathbf{b}_1)_h} = (\mathbf{W}_2)_{kh} \mathbb{1}\{(\mathbf{W}_1 \mathbf{x} + \mathbf{b}_1)_h > 0\}",
     {"relu": "proved", "generic": "refuted"}),
    (CS, r"\text{Err}' = \text{Err}", "ill-formed"),
    (A1, r"\frac{\partial (Z_l)_{kn}}{\partial (S_l)_{kn}} = f'_l(S_l)_{kn}", "proved"),
    (A1, r"\frac{\partial (Z_l)_{kn}}{\partial (S_l)_{kn}} = f_l(S_l)_{kn}", "refuted"),
    (A1, r"f''_l(S_l) = 0", {"relu": "ill-formed", "generic": "refuted"}),
]

UNICODE = [
    (MLE, r"\delta^{(l)} = (W^{(l)})ᵀ \delta^{(l+1)} \odot \phi'(z̃^{(l)})", "proved"),
    (MLE, r"\delta^{(l)} = W^{(l)⊤} \delta^{(l+1)} \odot \phi′(z̃^{(l)})", "proved"),
    (MLE, r"\delta^{(l)} = (W^{(l)})^⊤ \delta^{(l+1)} \odot \phi'(\tilde{z}^{(l)})", "proved"),
    (MLE, r"\delta^{(l)} = (W^{(l)})^{\mathsf{T}} \delta^{(l+1)} \odot \phi'(\tilde{z}^{(l)})", "proved"),
    (MLE, r"\delta^{(l)} = W^{(l)} \delta^{(l+1)} \odot \phi'(z̃^{(l)})", "ill-formed"),
    (MLE, r"\nabla_{W^{(L-1)}} L = \delta^{(L)} z^{(L-1)ᵀ}", "proved"),
    (MLE, r"\nabla_{W^{(L-1)}} L = \delta^{(L)} (z^{(L-1)})⊤", "proved"),
    (MLE, "\\delta^{(L)} = \u0177 - y", "proved"),           # ŷ, one character
    (MLE, "\\delta^{(L)} = y\u0302 - y", "proved"),          # y + combining circumflex
    (MLE, "\\frac{\\partial L}{\\partial z\u0303^{(L)}} = \\hat{y} - y", "proved"),
    (MLE, "\\frac{\\partial L}{\\partial z^{(L)}} = \\hat{y} - y", "ill-formed"),   # without the tilde: no such node
    (MLE, r"\hat{\hat{y}} = \hat{y}", "ill-formed"),
    (CS, r"\frac{\partial \text{Err}}{\partial \mathbf{W}_2} = (\text{softmax}(\mathbf{z}) - \mathbf{y}) \phi(\mathbf{W}_1 \mathbf{x} + \mathbf{b}_1)ᵀ", "proved"),
    (CS, r"\frac{\partial \text{Err}}{\partial \mathbf{b}_1} = \mathbf{W}_2ᵀ (\text{softmax}(\mathbf{z}) - \mathbf{y}) \odot \phi'(\mathbf{W}_1 \mathbf{x} + \mathbf{b}_1)", "proved"),
    (A1, r"\frac{\partial \mathcal{L}}{\partial W_l} = \left( \frac{\partial \mathcal{L}}{\partial Z_l} \odot f'_l(S_l) \right) Z_{l-1}ᵀ", "proved"),
]

KRONECKER = [
    (CS, r"\frac{\partial \text{Err}}{\partial z_k} = \sum_{j=1}^K (\hat{y}_j - y_j) \delta_{jk}", "proved"),
    (CS, r"\frac{\partial \text{Err}}{\partial z_k} = \sum_{j=1}^K (\hat{y}_j - y_j) \delta_{jj}", "refuted"),
    (CS, r"\frac{\partial \hat{y}_j}{\partial z_k} = \hat{y}_j (\delta_{jk} - \hat{y}_k)", "proved"),
    (CS, r"\frac{\partial \hat{y}_j}{\partial z_k} = \hat{y}_j (1 - \hat{y}_k)", "refuted"),
    (MLE, r"\frac{\partial \hat{y}_i}{\partial \tilde{z}_j^{(L)}} = \hat{y}_i(\delta_{ij} - \hat{y}_j)", "proved"),
    (A1, r"\frac{\partial (Z_l)_{kn}}{\partial (S_l)_{ij}} = f'_l(S_l)_{kn} \delta_{ki} \delta_{nj}", "proved"),
    (A1, r"\frac{\partial (Z_l)_{kn}}{\partial (S_l)_{ij}} = f'_l(S_l)_{kn} \delta_{ki}", "refuted"),
    (HINGE, r"\frac{\partial p_j}{\partial o_k} = p_j(\delta_{jk} - p_k)", "proved"),
    (HINGE, r"\frac{\partial p_j}{\partial o_k} = p_j(\delta_{kk} - p_k)", "refuted"),
    (HINGE, r"\frac{\partial \mathcal{L}_{hinge}}{\partial o_j} = \sum_{l \neq y_i} \mathbb{1}[p_l - p_{y_i} + \text{margin} > 0] (p_l(\delta_{lj} - p_j) - p_{y_i}(\delta_{y_i j} - p_j))", "proved"),
]

REFUSED = [  # decorations that used to be dropped: now ill-formed (or unparseable) with a position
    (MLE, r"\hat{\text{ReLU}}(\tilde{z}^{(L)}) = \text{ReLU}(\tilde{z}^{(L)})", "ill-formed"),
    (MLE, r"\mathcal{\exp}(\tilde{z}^{(L)}_1) = \exp(\tilde{z}^{(L)}_1)", "ill-formed"),
    (MLE, r"\log_2(\hat{y}_1) = \ln(\hat{y}_1)", "ill-formed"),
    (MLE, r"\exp_i(\tilde{z}^{(L)}) = \exp(\tilde{z}^{(L)}_i)", "ill-formed"),
    (MLE, r"\tanh^{-1}(\tilde{z}^{(L)}_1) = \tanh(\tilde{z}^{(L)}_1)", "ill-formed"),
    (MLE, r"\text{ReLU}_i(\tilde{z}^{(L)}) = \text{ReLU}(\tilde{z}^{(L)}_i)", "ill-formed"),
    (MLE, r"\hat{0} = 0", "unparseable"),
    (MLE, r"\hat{y}_1 = \cdot y_1", "ill-formed"),
    (MLE, r"\hat{y}_1 = y_1 \cdot \cdot y_1", "ill-formed"),
    (MLE, r"z^{(L)} = \phi \cdot (\tilde{z}^{(L)})", "ill-formed"),
    (MLE, r"\hat{y}_1 = {\hat{y}_1 - y_1} y_1", "ill-formed"),
    (MLE, r"\hat{y}_1 = \{\hat{y}_1\}", "ill-formed"),
    (MLE, r"\delta^{(L)} = \hat{y} - y \quad (\tilde{z}^{(L)}_1 > 0)", "ill-formed"),   # a condition is not a tag
    (MLE, r"\delta^{(L)} = \hat{y} - y \quad \text{if } y \text{ is one-hot}", "ill-formed"),
    (MLE, r"\delta^{(L)} = \hat{y} - y \quad \text{if y is one-hot}", "ill-formed"),  # words: not a label
    (MLE, r"\delta^{(L)} = \hat{y} - y \quad \text{(ii)}", "proved"),
    (MLE, r"\text{(ii)} \quad \delta^{(L)} = \hat{y} - y", "proved"),
    (MLE, r"\hat{y}_1^{(2)} = \hat{y}_1", "ill-formed"),   # a parenthesized superscript is a label, not a power
    (MLE, r"z^{(0)} = x^{(0)}", "ill-formed"),
    (MLE, r"\begin{vmatrix} 1 & 2 \\ 3 & 4 \end{vmatrix} = -2", "unparseable"),
    (MLE, r"\phi'(\tilde{z}^{(L)}_1) = \begin{cases} 1 & \text{unless } \tilde{z}^{(L)}_1 > 0 \\ 0 & \text{otherwise} \end{cases}", "ill-formed"),
    (MLE, r"\phi'(\tilde{z}^{(L)}_1) = \begin{cases} 1 & \tilde{z}^{(L)}_1 > 0 \\ 0 & \text{sometimes} \end{cases}", "ill-formed"),
    (MLE, r"\phi'(\tilde{z}^{(L)}_1) = \begin{cases} 1 & \text{if } \tilde{z}^{(L)}_1 > 0 \\ 0 & \text{otherwise} \end{cases}", RELU_ONLY),
    (CS, r"\text{Err}(1, 2) = -\sum_k y_k z_k + \ln \sum_k \exp(z_k)", "ill-formed"),
    (CS, r"\text{Err} \cdot (\mathbf{y}, \mathbf{z}) = -\sum_k y_k z_k + \ln \sum_k \exp(z_k)", "ill-formed"),
    (CS, r"\text{Err}(\mathbf{y}, \mathbf{z}) = -\sum_k y_k z_k + \ln \sum_k \exp(z_k)", "proved"),
    (HINGE, r"\frac{\partial p_{y_j}}{\partial o_k} = 0", "ill-formed"),   # the label is y_i
    (HINGE, r"p_l = \text{softmax}_l(o)", "proved"),
    (MLE, r"\sigma_k(\tilde{z}^{(L)}) = \hat{y}_k", "proved"),
]


_PROBLEMS = {}


def _problem(pid):
    if pid not in _PROBLEMS:
        _PROBLEMS[pid] = load_problem(pid)
    return _PROBLEMS[pid]


OPERATORS = [  # \frac{d}{dx} is an operator like \frac{\partial}{\partial x}, not d/(d x) times what follows
    (CS, r"\frac{d}{d (\mathbf{b}_2)_k} z_k = 1", "proved"),
    (CS, r"\frac{\mathrm{d}}{\mathrm{d} (\mathbf{W}_2)_{kh}} z_k = \phi((\mathbf{W}_1 \mathbf{x} + \mathbf{b}_1)_h)", "proved"),
    (CS, r"2 \frac{d}{d (\mathbf{b}_2)_k} z_k = 2", "proved"),
    (CS, r"\frac{d}{d (\mathbf{b}_2)_k} z_k = 2", "refuted"),
    (CS, r"z_k = \frac{d}{d (\mathbf{b}_2)_k}", "ill-formed"),
    (MLE, r"\hat{y}_1 = 1\,000 \hat{y}_1", "ill-formed"),   # TeX prints one number: not 1 · 000
    (MLE, r"6 \hat{y}_1 = 2 3 \hat{y}_1", "ill-formed"),
    (MLE, r"6 \hat{y}_1 = 2 \cdot 3 \hat{y}_1", "proved"),
]


def _cases():
    for table in (PRIMES, UNICODE, KRONECKER, REFUSED, OPERATORS):
        for pid, latex, want in table:
            problem = _problem(pid)
            for activation in (problem.activation,) + tuple(problem.also_check):
                verdict = want.get(activation) if isinstance(want, dict) else want
                yield pytest.param(pid, latex, activation, verdict, id=f"{pid}:{activation}:{latex[:50]}")


@pytest.mark.parametrize("pid, latex, activation, want", list(_cases()))
def test_verdict(pid, latex, activation, want):
    result = check(_problem(pid), latex, activation, timeout=60)
    assert result.verdict.value == want, (latex, activation, result.reason)
    if want in ("ill-formed", "unparseable"):
        assert result.reason
