#!/usr/bin/env python3
"""Writes every bundled data set in examples/data/ and its ground truth.

    python3 examples/data/generate.py

Standard library only. Every data set has its own fixed seed, and every random draw is
built here from random.Random(seed).random() alone (Mersenne Twister, whose output for an
integer seed Python keeps stable across versions), so running the script again reproduces
every file byte for byte. Numbers are written with 6 significant digits ('%.6g').

For each model file examples/<stem>.vmodel this writes
  <stem>.csv          the data: one column per scalar array, name[j] columns for the
                      entries of a vector row (or of the second plate of a 2-D array);
                      an empty cell is a missing value
  <stem>.truth.json   the generating parameters (and, for the one-latent conjugate
                      models, the exact posterior under the model's default hypers)
plus ppca.complete.csv (ppca.csv without the holes) and the JSON twins coin.json and
gaussian-mixture.json.
"""

import json
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))


# ---------------------------------------------------------------------------------------
# Random draws, all from Random.random() so that nothing depends on how a Python version
# implements gauss(), gammavariate() or choices().

class Rng:
    def __init__(self, seed):
        self._r = random.Random(seed)

    def uniform(self):
        """In (0, 1]."""
        return 1.0 - self._r.random()

    def normal(self, mean=0.0, sd=1.0):
        # Box-Muller, one variate per pair of uniforms.
        r = math.sqrt(-2.0 * math.log(self.uniform()))
        return mean + sd * r * math.cos(2.0 * math.pi * self._r.random())

    def gamma(self, shape, rate=1.0):
        """Gamma(shape, rate) by Marsaglia and Tsang (2000)."""
        if shape < 1.0:
            return self.gamma(shape + 1.0, rate) * self.uniform() ** (1.0 / shape)
        d = shape - 1.0 / 3.0
        c = 1.0 / math.sqrt(9.0 * d)
        while True:
            x = self.normal()
            v = (1.0 + c * x) ** 3
            if v <= 0.0:
                continue
            u = self.uniform()
            if u < 1.0 - 0.0331 * x ** 4 or math.log(u) < 0.5 * x * x + d * (1.0 - v + math.log(v)):
                return d * v / rate

    def beta(self, a, b):
        x = self.gamma(a)
        return x / (x + self.gamma(b))

    def dirichlet(self, alpha):
        g = [self.gamma(a) for a in alpha]
        s = sum(g)
        return [x / s for x in g]

    def bernoulli(self, p):
        return 1 if self._r.random() < p else 0

    def binomial(self, trials, p):
        return sum(self.bernoulli(p) for _ in range(trials))

    def poisson(self, rate):
        # Knuth's product of uniforms; fine for the small rates used here.
        assert rate < 60
        limit = math.exp(-rate)
        k, prod = 0, self._r.random()
        while prod > limit:
            k += 1
            prod *= self._r.random()
        return k

    def exponential(self, rate):
        return -math.log(self.uniform()) / rate

    def categorical(self, p):
        u = self._r.random() * sum(p)
        acc = 0.0
        for k, pk in enumerate(p):
            acc += pk
            if u < acc:
                return k
        return len(p) - 1

    def int_between(self, lo, hi):
        """Uniform integer in [lo, hi]."""
        return lo + min(int(self._r.random() * (hi - lo + 1)), hi - lo)

    def multinormal(self, mean, chol):
        """mean + L z with L the lower Cholesky factor of the covariance."""
        z = [self.normal() for _ in mean]
        return [m + sum(chol[i][j] * z[j] for j in range(i + 1)) for i, m in enumerate(mean)]


def cholesky(a):
    n = len(a)
    l = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1):
            s = a[i][j] - sum(l[i][k] * l[j][k] for k in range(j))
            l[i][j] = math.sqrt(s) if i == j else s / l[j][j]
    return l


def inverse2(a):
    det = a[0][0] * a[1][1] - a[0][1] * a[1][0]
    return [[a[1][1] / det, -a[0][1] / det], [-a[1][0] / det, a[0][0] / det]]


# ---------------------------------------------------------------------------------------
# Output. Values are formatted once; statistics for the truth files are computed from the
# formatted values read back, so they agree exactly with what a reader of the CSV sees.

def fmt(v):
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    if v is None:
        return ""
    s = "%.6g" % v
    return "0" if s == "-0" else s


def r6(v):
    """A float rounded to what fmt() writes, or a nested list of them."""
    if isinstance(v, list):
        return [r6(x) for x in v]
    if isinstance(v, int):
        return v
    return float(fmt(v))


def r12(v):
    """A derived statistic rounded to 12 significant digits (or a nested list of them)."""
    if isinstance(v, list):
        return [r12(x) for x in v]
    if isinstance(v, int):
        return v
    return float("%.12g" % v)


def vec_header(name, n):
    return ["%s[%d]" % (name, j) for j in range(n)]


def write_csv(filename, header, rows):
    with open(os.path.join(HERE, filename), "w", newline="\n") as f:
        f.write(",".join(header) + "\n")
        for row in rows:
            assert len(row) == len(header)
            f.write(",".join(fmt(v) for v in row) + "\n")


def write_json(filename, obj):
    """One top-level key per line, each value compact on its line."""
    lines = ["  %s: %s" % (json.dumps(k), json.dumps(v, separators=(", ", ": ")))
             for k, v in obj.items()]
    with open(os.path.join(HERE, filename), "w", newline="\n") as f:
        f.write("{\n" + ",\n".join(lines) + "\n}\n")


def write_truth(stem, obj):
    write_json(stem + ".truth.json", obj)


# ---------------------------------------------------------------------------------------
# The data sets, one function per model file, each with its own seed.

def sample_mixture(rng, n, weights, means, covs):
    """n points of a Gaussian mixture: each row's component, then its point (6 digits)."""
    chols = [cholesky(c) for c in covs]
    labels, xs = [], []
    for _ in range(n):
        k = rng.categorical(weights)
        labels.append(k)
        xs.append(r6(rng.multinormal(means[k], chols[k])))
    return labels, xs


def gaussian_mixture():
    rng = Rng(1001)
    n = 400
    weights = [0.5, 0.3, 0.2]
    means = [[-3.0, -2.0], [3.0, -2.0], [0.0, 3.5]]
    covs = [[[1.0, 0.3], [0.3, 0.6]],
            [[0.7, -0.2], [-0.2, 1.0]],
            [[0.8, 0.0], [0.0, 0.5]]]
    labels, xs = sample_mixture(rng, n, weights, means, covs)
    write_csv("gaussian-mixture.csv", vec_header("x", 2), xs)
    write_json("gaussian-mixture.json", {"x": xs})
    write_truth("gaussian-mixture", {
        "description": "3 well-separated 2-D Gaussian clusters; z[n] is the cluster of CSV row n",
        "N": n, "D": 2, "K_true": 3,
        "weights": weights,
        "means": means,
        "covariances": covs,
        "precisions": [r6([row for row in inverse2(c)]) for c in covs],
        "counts": [labels.count(k) for k in range(3)],
        "z": labels,
    })


def coin():
    rng = Rng(1002)
    n, p = 100, 0.3
    y = [rng.bernoulli(p) for _ in range(n)]
    write_csv("coin.csv", ["y"], [[v] for v in y])
    write_json("coin.json", {"y": y})
    a, b = 1, 1
    write_truth("coin", {
        "description": "N Bernoulli(p) flips",
        "N": n, "p": p, "sum_y": sum(y),
        "posterior": {"family": "Beta", "a": a + sum(y), "b": b + n - sum(y),
                      "hypers": {"a": a, "b": b}},
    })


def normal_gamma():
    rng = Rng(1003)
    n, mu, tau = 100, 2.0, 4.0
    x = r6([rng.normal(mu, 1.0 / math.sqrt(tau)) for _ in range(n)])
    write_csv("normal-gamma.csv", ["x"], [[v] for v in x])
    mu0, lambda0, a0, b0 = 0.0, 1.0, 1.0, 1.0
    sx, sxx = sum(x), sum(v * v for v in x)
    xbar = sx / n
    # Exact posterior: tau ~ Gamma(aN, bN), mu | tau ~ Normal(muN, (lambda0 + N) tau).
    exact = {"family": "NormalGamma",
             "mu": (lambda0 * mu0 + sx) / (lambda0 + n), "lambda": lambda0 + n,
             "a": a0 + n / 2.0,
             "b": b0 + 0.5 * (sxx - n * xbar * xbar)
                  + 0.5 * lambda0 * n * (xbar - mu0) ** 2 / (lambda0 + n)}
    # Mean-field fixed point q(mu) q(tau) of PRML equations (10.26)-(10.30).
    a_n = a0 + (n + 1) / 2.0
    b_n = b0
    for _ in range(1000):
        e_tau = a_n / b_n
        mu_n = (lambda0 * mu0 + sx) / (lambda0 + n)
        prec_n = (lambda0 + n) * e_tau
        e_mu, e_mu2 = mu_n, mu_n * mu_n + 1.0 / prec_n
        b_n = b0 + 0.5 * (sxx - 2.0 * e_mu * sx + n * e_mu2
                          + lambda0 * (e_mu2 - 2.0 * mu0 * e_mu + mu0 * mu0))
    write_truth("normal-gamma", {
        "description": "N draws from Normal(mean mu, precision tau)",
        "N": n, "mu": mu, "tau": tau, "sd": 1.0 / math.sqrt(tau),
        "posterior": {k: r12(v) if isinstance(v, float) else v for k, v in exact.items()},
        "mean_field": {"q_mu": {"family": "Normal", "mean": r12(mu_n), "precision": r12(prec_n)},
                       "q_tau": {"family": "Gamma", "shape": a_n, "rate": r12(b_n)}},
        "hypers": {"mu0": mu0, "lambda0": lambda0, "a0": a0, "b0": b0},
    })


def linear_regression():
    rng = Rng(1004)
    n, w, tau = 100, [0.5, 2.0, -1.0], 4.0
    rows = []
    for _ in range(n):
        x = r6([1.0, rng.normal(), rng.normal()])
        y = r6(sum(wi * xi for wi, xi in zip(w, x)) + rng.normal(0.0, 1.0 / math.sqrt(tau)))
        rows.append(x + [y])
    write_csv("linear-regression.csv", vec_header("X", 3) + ["y"], rows)
    write_truth("linear-regression", {
        "description": "y = dot(w, X[n]) + noise; X[n][0] = 1 is an intercept column",
        "N": n, "P": 3, "w": w, "tau": tau, "noise_sd": 1.0 / math.sqrt(tau),
    })


def lda():
    rng = Rng(1005)
    n_docs, v, k_true, alpha_true = 100, 50, 5, 0.2
    block = v // k_true
    # Topic k: 90% of its mass on its own block of 10 words (words 10k..10k+9), 10% spread
    # over all V words.
    phi = []
    for k in range(k_true):
        own = rng.dirichlet([2.0] * block)
        background = rng.dirichlet([1.0] * v)
        phi.append(r6([0.9 * (own[w - k * block] if w // block == k else 0.0)
                       + 0.1 * background[w] for w in range(v)]))
    theta, lengths, rows, zs = [], [], [], []
    for d in range(n_docs):
        th = r6(rng.dirichlet([alpha_true] * k_true))
        theta.append(th)
        length = rng.int_between(80, 120)
        lengths.append(length)
        for _ in range(length):
            z = rng.categorical(th)
            zs.append(z)
            rows.append([d, rng.categorical(phi[z])])
    assert max(r[1] for r in rows) == v - 1 and len({r[1] for r in rows}) == v
    write_csv("lda.csv", ["doc", "w"], rows)
    write_truth("lda", {
        "description": "tokens in long format; topic k puts 90% of its mass on words 10k..10k+9",
        "T": len(rows), "D": n_docs, "V": v, "K_true": k_true,
        "alpha_true": alpha_true,
        "doc_lengths": lengths,
        "phi": phi,
        "theta": theta,
        "z": zs,
    })


def ppca():
    rng = Rng(1006)
    n, d, k = 200, 10, 3
    scales = [3.0, 2.0, 1.5]            # sd of the entries of column k of W
    tau = 4.0                           # noise precision (sd 0.5)
    w = [[rng.normal(0.0, scales[j]) for j in range(k)] for _ in range(d)]
    w = r6(w)
    h, complete = [], []
    for _ in range(n):
        hn = [rng.normal() for _ in range(k)]
        h.append(r6(hn))
        complete.append(r6([sum(w[i][j] * hn[j] for j in range(k))
                            + rng.normal(0.0, 1.0 / math.sqrt(tau)) for i in range(d)]))
    missing, holed = [], []
    for i, row in enumerate(complete):
        while True:
            mask = [rng.uniform() <= 0.1 for _ in range(d)]
            if not all(mask):
                break
        holed.append([None if m else v for v, m in zip(row, mask)])
        missing.extend([i, j] for j in range(d) if mask[j])
    write_csv("ppca.csv", vec_header("x", d), holed)
    write_csv("ppca.complete.csv", vec_header("x", d), complete)
    write_truth("ppca", {
        "description": "x[n] = W h[n] + noise, zero mean; ppca.csv has the entries listed in"
                       " 'missing' ([row, column]) left empty, ppca.complete.csv has them all",
        "N": n, "D": d, "K_true": k,
        "W": w, "column_sd": scales, "alpha": r12([1.0 / (s * s) for s in scales]),
        "tau": tau, "noise_sd": 1.0 / math.sqrt(tau),
        "missing_count": len(missing),
        "missing": missing,
        "h": h,
    })


def poisson_gamma():
    rng = Rng(1007)
    n, rate = 60, 4.2
    y = [rng.poisson(rate) for _ in range(n)]
    write_csv("poisson-gamma.csv", ["y"], [[v] for v in y])
    a, b = 1.0, 0.1
    write_truth("poisson-gamma", {
        "description": "N Poisson(lambda) counts",
        "N": n, "lambda": rate, "sum_y": sum(y),
        "posterior": {"family": "Gamma", "shape": a + sum(y), "rate": b + n,
                      "hypers": {"a": a, "b": b}},
    })


def poisson_mixture():
    rng = Rng(1008)
    n, weights, rates = 300, [0.3, 0.4, 0.3], [2.0, 15.0, 40.0]
    labels, y = [], []
    for _ in range(n):
        k = rng.categorical(weights)
        labels.append(k)
        y.append(rng.poisson(rates[k]))
    write_csv("poisson-mixture.csv", ["y"], [[v] for v in y])
    write_truth("poisson-mixture", {
        "description": "3 Poisson components; z[n] is the component of CSV row n",
        "N": n, "K_true": 3, "weights": weights, "lambda": rates,
        "counts": [labels.count(k) for k in range(3)],
        "z": labels,
    })


def bernoulli_mixture():
    rng = Rng(1009)
    n, d, weights = 300, 16, [0.4, 0.35, 0.25]
    # Component k is "on" (p near 0.85) over its own block of 6 of the 16 dimensions,
    # "off" (p near 0.1) elsewhere; blocks 0-5, 5-10 and 10-15 overlap by one dimension.
    theta = []
    for k in range(3):
        lo = 5 * k
        theta.append(r6([(0.85 if lo <= j < lo + 6 else 0.1) + 0.1 * (rng.uniform() - 0.5)
                         for j in range(d)]))
    labels, rows = [], []
    for _ in range(n):
        k = rng.categorical(weights)
        labels.append(k)
        rows.append([rng.bernoulli(p) for p in theta[k]])
    write_csv("bernoulli-mixture.csv", vec_header("x", d), rows)
    write_truth("bernoulli-mixture", {
        "description": "3 components of 16 Bernoulli pixels; z[n] is the component of CSV row n",
        "N": n, "D": d, "K_true": 3, "weights": weights, "theta": theta,
        "counts": [labels.count(k) for k in range(3)],
        "z": labels,
    })


def beta_binomial():
    rng = Rng(1010)
    n, p = 50, 0.35
    rows = []
    for _ in range(n):
        t = rng.int_between(5, 30)
        rows.append([t, rng.binomial(t, p)])
    write_csv("beta-binomial.csv", ["trials", "y"], rows)
    a, b = 1, 1
    sy, st = sum(r[1] for r in rows), sum(r[0] for r in rows)
    write_truth("beta-binomial", {
        "description": "y[n] ~ Binomial(trials[n], p)",
        "N": n, "p": p, "sum_y": sy, "sum_trials": st,
        "posterior": {"family": "Beta", "a": a + sy, "b": b + st - sy,
                      "hypers": {"a": a, "b": b}},
    })


def exponential_gamma():
    rng = Rng(1011)
    n, rate = 100, 0.5
    x = r6([rng.exponential(rate) for _ in range(n)])
    assert min(x) > 0
    write_csv("exponential-gamma.csv", ["x"], [[v] for v in x])
    a, b = 1.0, 1.0
    write_truth("exponential-gamma", {
        "description": "N Exponential(lambda) waiting times",
        "N": n, "lambda": rate, "sum_x": r12(sum(x)),
        "posterior": {"family": "Gamma", "shape": a + n, "rate": r12(b + sum(x)),
                      "hypers": {"a": a, "b": b}},
    })


def eight_schools():
    # Not synthetic: the SAT coaching experiments (Rubin 1981; BDA3 table 5.2).
    y = [28, 8, -3, 7, -1, 1, 18, 12]
    sigma = [15, 10, 16, 11, 9, 11, 10, 18]
    write_csv("eight-schools.csv", ["y", "sigma"], list(zip(y, sigma)))
    prec = [1.0 / (s * s) for s in sigma]
    pooled = sum(yi * pi for yi, pi in zip(y, prec)) / sum(prec)
    write_truth("eight-schools", {
        "description": "real data, no generating parameters: estimated coaching effects y"
                       " with known standard errors sigma, one row per school",
        "J": 8, "schools": ["A", "B", "C", "D", "E", "F", "G", "H"],
        "y": y, "sigma": sigma,
        "complete_pooling": {"mean": r12(pooled), "sd": r12(1.0 / math.sqrt(sum(prec)))},
        "source": "Rubin (1981), J. Educ. Stat. 6:377-401; Gelman et al., BDA3 section 5.5",
    })


def grouped_noise_regression():
    rng = Rng(1012)
    n, w, noise_sd = 300, [1.0, -2.0, 0.5], [0.1, 0.5, 2.0]
    rows, groups = [], []
    for i in range(n):
        g = i % 3 if i < 3 else rng.int_between(0, 2)   # every group appears
        x = r6([1.0, rng.normal(), rng.normal()])
        y = r6(sum(wi * xi for wi, xi in zip(w, x)) + rng.normal(0.0, noise_sd[g]))
        groups.append(g)
        rows.append(x + [g, y])
    write_csv("grouped-noise-regression.csv", vec_header("X", 3) + ["g", "y"], rows)
    write_truth("grouped-noise-regression", {
        "description": "y = dot(w, X[n]) + noise with sd noise_sd[g[n]]; X[n][0] = 1",
        "N": n, "P": 3, "G": 3, "w": w,
        "noise_sd": noise_sd, "tau": r12([1.0 / (s * s) for s in noise_sd]),
        "group_counts": [groups.count(k) for k in range(3)],
    })


def normal_variance():
    rng = Rng(1013)
    n, m, s2 = 100, 10.0, 4.0
    x = r6([rng.normal(m, math.sqrt(s2)) for _ in range(n)])
    write_csv("normal-variance.csv", ["x"], [[v] for v in x])
    a0, b0 = 1.0, 1.0
    ss = sum((v - m) ** 2 for v in x)
    write_truth("normal-variance", {
        "description": "N draws from Normal(m, var: s2) with m known",
        "N": n, "m": m, "s2": s2, "sum_sq_dev": r12(ss),
        "posterior": {"family": "InvGamma", "shape": a0 + n / 2.0, "scale": r12(b0 + ss / 2.0),
                      "hypers": {"m": m, "a0": a0, "b0": b0}},
    })


def dirichlet_multinomial():
    rng = Rng(1014)
    n, p = 40, [0.1, 0.2, 0.3, 0.4]
    rows, total = [], [0] * len(p)
    for _ in range(n):
        t = rng.int_between(20, 60)
        c = [0] * len(p)
        for _ in range(t):
            c[rng.categorical(p)] += 1
        total = [a + b for a, b in zip(total, c)]
        rows.append([t] + c)
    write_csv("dirichlet-multinomial.csv", ["trials"] + vec_header("counts", len(p)), rows)
    alpha = 1.0
    write_truth("dirichlet-multinomial", {
        "description": "counts[n] ~ Multinomial(trials[n], p); each row sums to trials[n]",
        "N": n, "K": len(p), "p": p, "sum_counts": total,
        "posterior": {"family": "Dirichlet", "alpha": [alpha + c for c in total],
                      "hypers": {"alpha": alpha}},
    })


def dp_mixture():
    rng = Rng(1016)
    n = 500
    weights = [0.35, 0.25, 0.2, 0.12, 0.08]
    means = [[-4.0, -3.0], [4.0, -3.0], [0.0, 4.0], [-5.0, 4.0], [5.0, 4.5]]
    covs = [[[1.0, 0.3], [0.3, 0.6]],
            [[0.7, -0.2], [-0.2, 1.0]],
            [[0.8, 0.0], [0.0, 0.5]],
            [[0.5, 0.1], [0.1, 0.5]],
            [[0.6, -0.1], [-0.1, 0.4]]]
    labels, xs = sample_mixture(rng, n, weights, means, covs)
    write_csv("dp-mixture.csv", vec_header("x", 2), xs)
    write_truth("dp-mixture", {
        "description": "5 separated 2-D Gaussian clusters for a truncated Dirichlet-process mixture (K = 10);"
                       " z[n] is the cluster of CSV row n",
        "N": n, "D": 2, "K_true": 5,
        "weights": weights,
        "means": means,
        "covariances": covs,
        "counts": [labels.count(k) for k in range(5)],
        "z": labels,
    })


def logistic_regression():
    rng = Rng(1017)
    n, w = 300, [-0.5, 2.0, -1.5, 0.0, 0.0]
    rows = []
    ones = 0
    for _ in range(n):
        x = r6([1.0] + [rng.normal() for _ in range(len(w) - 1)])
        a = sum(wi * xi for wi, xi in zip(w, x))
        y = rng.bernoulli(1.0 / (1.0 + math.exp(-a)))
        ones += y
        rows.append(x + [y])
    write_csv("logistic-regression.csv", vec_header("X", len(w)) + ["y"], rows)
    write_truth("logistic-regression", {
        "description": "y ~ Bernoulli(logistic(dot(w, X[n]))); X[n][0] = 1 is an intercept column;"
                       " the last two coefficients are zero (ARD should shrink them)",
        "N": n, "P": len(w), "w": w, "ones": ones,
    })


def softmax_regression():
    rng = Rng(1018)
    n = 300
    w = [[1.0, 2.0, 0.0], [0.5, -1.0, 1.5], [-1.5, -1.0, -1.5]]
    rows = []
    for _ in range(n):
        x = r6([1.0, rng.normal(), rng.normal()])
        a = [sum(wi * xi for wi, xi in zip(wc, x)) for wc in w]
        top = max(a)
        e = [math.exp(v - top) for v in a]
        y = rng.categorical([v / sum(e) for v in e])
        rows.append(x + [y])
    write_csv("softmax-regression.csv", vec_header("x", 3) + ["y"], rows)
    write_truth("softmax-regression", {
        "description": "y ~ Categorical(softmax(W x[n])) over C = 3 classes; x[n][0] = 1 is an intercept column;"
                       " W is identified only up to a vector added to every row",
        "N": n, "P": 3, "C": 3, "W": w,
    })


def poisson_regression():
    rng = Rng(1019)
    n, w = 300, [1.0, 0.8, -0.5]
    rows = []
    total = 0
    for _ in range(n):
        x = r6([1.0, 0.5 * rng.normal(), 0.5 * rng.normal()])
        y = rng.poisson(math.exp(sum(wi * xi for wi, xi in zip(w, x))))
        total += y
        rows.append(x + [y])
    write_csv("poisson-regression.csv", vec_header("x", len(w)) + ["y"], rows)
    write_truth("poisson-regression", {
        "description": "y ~ Poisson(exp(dot(w, x[n]))); x[n][0] = 1 is an intercept column",
        "N": n, "P": len(w), "w": w, "total": total,
    })


def regime_switching():
    """A hidden Markov model's series: 3 states with sticky transitions (0.95 on the diagonal),
    Gaussian emissions with means (-2, 0, 3) and sds (0.5, 0.3, 0.8); the states are stored in the
    truth."""
    rng = Rng(1020)
    n = 1000
    a = [[0.95, 0.03, 0.02], [0.04, 0.92, 0.04], [0.02, 0.03, 0.95]]
    rho = [1 / 3, 1 / 3, 1 / 3]
    means, sds = [-2.0, 0.0, 3.0], [0.5, 0.3, 0.8]
    z = [rng.categorical(rho)]
    for _ in range(n - 1):
        z.append(rng.categorical(a[z[-1]]))
    rows = [[r6(means[s] + sds[s] * rng.normal())] for s in z]
    write_csv("regime-switching.csv", ["x"], rows)
    write_truth("regime-switching", {
        "description": "z ~ Markov(rho, A) over 1000 steps, x[t] ~ Normal(means[z[t]], sd = sds[z[t]])",
        "T": n, "K": 3, "rho": rho, "A": a, "means": means, "sds": sds, "z": z,
    })


def main():
    gaussian_mixture()
    coin()
    normal_gamma()
    linear_regression()
    lda()
    ppca()
    poisson_gamma()
    poisson_mixture()
    bernoulli_mixture()
    beta_binomial()
    exponential_gamma()
    eight_schools()
    grouped_noise_regression()
    normal_variance()
    dirichlet_multinomial()
    dp_mixture()
    logistic_regression()
    softmax_regression()
    poisson_regression()
    regime_switching()


if __name__ == "__main__":
    main()
