#!/usr/bin/python3
"""Classification (and Poisson regression) side by side: vmodel's variational fits of
bench/models/*.vmodel against scikit-learn's LogisticRegression / LogisticRegressionCV
(PoissonRegressor) and against long JAGS runs of the same Bayesian models.

    /usr/bin/python3 bench/classify.py [--out DIR] [--repeats R] [--cases a,b] [--quick]
    /usr/bin/python3 bench/classify.py table DIR      (print the table of an earlier run)

Run it through bench/classify.sh, which builds the CLI first. Needs Debian's python3 (sklearn,
numpy, scipy) and /usr/bin/jags (JAGS 4, its glm module). Everything vmodel reports is
recomputed here from the posterior JSON (docs/posterior-json.md), independently of
`vmodel predict`:

- held-out P(y = 1 | x) = E_q[sigmoid(w^T x)], w^T x ~ N(m^T x, x^T S x) under q(w) = N(m, S),
  by Gauss-Hermite quadrature (64 nodes);
- softmax: the average of softmax(W x) over 4000 draws of W from q (the rows W[c] are
  independent Gaussians under the mean-field q), seed 20261203;
- Poisson: E_q[Poisson(y | exp(w^T x))] by the same quadrature over w^T x;
- against JAGS: max over the coefficients of |mean_vb - mean_mcmc| / sd_mcmc (the acceptance
  line is <= 0.2), and the ratio sd_vb / sd_mcmc.

JAGS runs each chain as its own process, two at a time (the machine has two cores), from
dispersed initial values with a seeded RNG per chain; the ESS is the multi-chain
autocorrelation estimate (Geyer's initial monotone sequence, as in Stan), R-hat the split R-hat.
Where JAGS mixes slowly (breast cancer) an HMC in numpy on the alpha-marginal posterior is a
second reference. For the logistic model the script also writes out the Jaakkola-Jordan VB and
its bound (PRML 10.6 with ARD) to check that vmodel's q is the bound's optimum and its ELBO the
bound, and refits with every alpha held at 1 to tell the bound's bias from the ARD's.
Method and one run's figures: bench/classify.md.
"""
import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy.special import expit, gammaln, logsumexp

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MODELS = os.path.join(HERE, "models")
GH_NODES = 64
MC_DRAWS = 4000
MC_SEED = 20261203
ACCEPT = 0.2


# ----------------------------------------------------------------------------- data sets

def standardise_split(X, y, seed, test_size=0.3, stratify=True):
    """Seeded stratified 70/30 split; features standardised with the training split's mean and
    sd; a first column of ones (the intercept)."""
    from sklearn.model_selection import train_test_split
    idx = np.arange(len(y))
    tr, te = train_test_split(idx, test_size=test_size, random_state=seed,
                              stratify=y if stratify else None)
    mu = X[tr].mean(axis=0)
    sd = X[tr].std(axis=0, ddof=1)
    Z = (X - mu) / sd
    Z = np.hstack([np.ones((len(y), 1)), Z])
    return Z[tr], y[tr], Z[te], y[te]


VAGUE = (1e-2, 1e-4)   # the models' default ARD hyperprior Gamma(a0, b0)


def make_cases():
    from sklearn.datasets import load_breast_cancer, load_iris
    cases = []
    bc = load_breast_cancer()
    Xtr, ytr, Xte, yte = standardise_split(bc.data, bc.target.astype(int), seed=0)
    # The training split is linearly separable: under the vague ARD prior Gamma(1e-2, 1e-4) the
    # posterior of w has no mean (its tail along the separating cone decays like |w|^-(1 + 2 a0 P)
    # radially, so the mean needs a0 > 1/(2P)), and MCMC drifts off to ever larger |w|. The
    # reference (JAGS and the vmodel fit compared with it) uses a proper Gamma(1, 1); vmodel also
    # runs the vague default, for its predictions only.
    cases.append(dict(name="breast-cancer", kind="bernoulli", model="logistic-ard.vmodel",
                      jags=True, priors=[(1.0, 1.0), VAGUE], jags_prior=(1.0, 1.0), hmc=True, Xtr=Xtr, ytr=ytr, Xte=Xte, yte=yte, truth=None,
                      about="sklearn load_breast_cancer, 569 x 30, standardised + intercept, "
                            "stratified 70/30 split (random_state 0)"))
    ir = load_iris()
    Xtr, ytr, Xte, yte = standardise_split(ir.data, ir.target.astype(int), seed=0)
    # Setosa is linearly separable from the others: the same caveat; no MCMC reference here.
    cases.append(dict(name="iris", kind="categorical", model="softmax-ard.vmodel",
                      jags=False, priors=[VAGUE, (1.0, 1.0)], Xtr=Xtr, ytr=ytr, Xte=Xte, yte=yte, truth=None,
                      about="sklearn load_iris, 150 x 4, 3 classes, standardised + intercept, "
                            "stratified 70/30 split (random_state 0)"))
    # Simulated logistic: N = 500, P = 5 with the intercept, x ~ N(0, 1), known w, seed 1.
    rng = np.random.default_rng(1)
    w = np.array([-0.5, 1.5, -1.0, 0.0, 0.75])
    X = np.hstack([np.ones((500, 1)), rng.standard_normal((500, 4))])
    y = (rng.random(500) < expit(X @ w)).astype(int)
    tr, te = np.arange(350), np.arange(350, 500)
    cases.append(dict(name="sim-logistic", kind="bernoulli", model="logistic-ard.vmodel",
                      jags=True, priors=[VAGUE], jags_prior=VAGUE, Xtr=X[tr], ytr=y[tr], Xte=X[te], yte=y[te], truth=w.tolist(),
                      about="simulated, N = 500 (first 350 train), x ~ N(0, 1) plus intercept, "
                            "w = %s, numpy default_rng(1)" % w.tolist()))
    # Simulated Poisson log link: N = 500, P = 3 with the intercept, seed 2.
    rng = np.random.default_rng(2)
    w = np.array([0.5, 0.8, -0.4])
    X = np.hstack([np.ones((500, 1)), rng.standard_normal((500, 2))])
    y = rng.poisson(np.exp(X @ w))
    cases.append(dict(name="sim-poisson", kind="poisson", model="poisson-ard.vmodel",
                      jags=True, priors=[VAGUE], jags_prior=VAGUE, Xtr=X[tr], ytr=y[tr], Xte=X[te], yte=y[te], truth=w.tolist(),
                      about="simulated, N = 500 (first 350 train), x ~ N(0, 1) plus intercept, "
                            "w = %s, numpy default_rng(2)" % w.tolist()))
    return cases


def write_csv(path, X, y):
    """The layout `vmodel fit --data` reads (docs/cli.md, Data files): a vector-valued array
    X[n in N]: vector[P] is the columns X[0], ..., X[P-1]; y is one column."""
    P = X.shape[1]
    with open(path, "w") as f:
        f.write(",".join(["X[%d]" % j for j in range(P)] + ["y"]) + "\n")
        for row, t in zip(X, y):
            f.write(",".join(repr(float(v)) for v in row) + ",%d\n" % int(t))


# ----------------------------------------------------------------------------- metrics

def metrics(kind, yte, prob):
    """prob: for bernoulli P(y=1) per row; categorical rows of class probabilities; poisson the
    predictive log density of each observed count (log loss = its negative mean)."""
    if kind == "bernoulli":
        p = np.clip(prob, 1e-15, 1 - 1e-15)
        acc = float(np.mean((p > 0.5) == (yte == 1)))
        ll = float(-np.mean(yte * np.log(p) + (1 - yte) * np.log1p(-p)))
    elif kind == "categorical":
        p = np.clip(prob, 1e-15, 1.0)
        acc = float(np.mean(np.argmax(p, axis=1) == yte))
        ll = float(-np.mean(np.log(p[np.arange(len(yte)), yte])))
    else:
        acc = None
        ll = float(-np.mean(prob))
    return acc, ll


def poisson_logpmf(y, log_rate):
    return y * log_rate - np.exp(log_rate) - gammaln(y + 1)


def gh_expect(m, s, f):
    """E[f(a)] for a ~ N(m, s^2) per row, Gauss-Hermite with GH_NODES nodes."""
    x, wt = np.polynomial.hermite.hermgauss(GH_NODES)
    a = m[:, None] + math.sqrt(2.0) * s[:, None] * x[None, :]
    return (f(a) * wt[None, :]).sum(axis=1) / math.sqrt(math.pi)


def gh_log_expect(m, s, logf):
    """ln E[exp(logf(a))] for a ~ N(m, s^2), Gauss-Hermite in log space."""
    x, wt = np.polynomial.hermite.hermgauss(GH_NODES)
    a = m[:, None] + math.sqrt(2.0) * s[:, None] * x[None, :]
    return logsumexp(logf(a) + np.log(wt)[None, :], axis=1) - 0.5 * math.log(math.pi)


# ----------------------------------------------------------------------------- ESS, R-hat

def _autocov(x):
    n = len(x)
    x = x - x.mean()
    f = np.fft.rfft(x, 2 * n)
    ac = np.fft.irfft(f * np.conj(f))[:n] / n
    return ac


def ess(chains):
    """Multi-chain effective sample size of one scalar (chains: m x n array), Stan's estimator
    (Geyer's initial monotone sequence of the combined autocorrelations)."""
    m, n = chains.shape
    acov = np.array([_autocov(c) for c in chains])
    chain_mean = chains.mean(axis=1)
    W = acov[:, 0].mean() * n / (n - 1)
    B_over_n = chain_mean.var(ddof=1) if m > 1 else 0.0
    var_plus = W * (n - 1) / n + B_over_n
    if var_plus <= 0:
        return float(m * n)
    rho = 1.0 - (W - acov.mean(axis=0)) / var_plus
    rho[0] = 1.0
    # Geyer: sums of pairs, positive and monotone.
    t = 0
    pairs = []
    while t + 1 < n:
        s = rho[t] + rho[t + 1]
        if s < 0:
            break
        pairs.append(s)
        t += 2
    for i in range(1, len(pairs)):
        pairs[i] = min(pairs[i], pairs[i - 1])
    tau = -1.0 + 2.0 * sum(pairs)
    tau = max(tau, 1.0 / math.log10(m * n))
    return float(m * n / tau)


def split_rhat(chains):
    m, n = chains.shape
    h = n // 2
    c = np.vstack([chains[:, :h], chains[:, h:2 * h]])
    means = c.mean(axis=1)
    W = c.var(axis=1, ddof=1).mean()
    B = h * means.var(ddof=1)
    var_plus = (h - 1) / h * W + B / h
    return float(math.sqrt(var_plus / W)) if W > 0 else float("nan")


# ----------------------------------------------------------------------------- JAGS

JAGS_MODELS = {
    "bernoulli": """model {
  for (p in 1:P) {
    alpha[p] ~ dgamma(a0, b0)
    w[p] ~ dnorm(0, alpha[p])
  }
  for (n in 1:N) {
    logit(q[n]) <- inprod(w[], X[n, ])
    y[n] ~ dbern(q[n])
  }
}
""",
    "poisson": """model {
  for (p in 1:P) {
    alpha[p] ~ dgamma(a0, b0)
    w[p] ~ dnorm(0, alpha[p])
  }
  for (n in 1:N) {
    log(mu[n]) <- inprod(w[], X[n, ])
    y[n] ~ dpois(mu[n])
  }
}
""",
}


def r_vector(v):
    return "c(" + ", ".join(repr(float(x)) for x in np.ravel(v)) + ")"


def run_jags(case, cdir, chains, burn, iters, jags_bin, prior, timeout):
    jdir = os.path.join(cdir, "jags")
    shutil.rmtree(jdir, ignore_errors=True)
    os.makedirs(jdir)
    X, y = case["Xtr"], case["ytr"]
    N, P = X.shape
    with open(os.path.join(jdir, "model.bug"), "w") as f:
        f.write(JAGS_MODELS[case["kind"]])
    with open(os.path.join(jdir, "data.R"), "w") as f:
        f.write("N <- %d\nP <- %d\na0 <- %r\nb0 <- %r\n" % (N, P, float(prior[0]), float(prior[1])))
        f.write("y <- c(%s)\n" % ", ".join(str(int(t)) for t in y))
        # R arrays are column-major.
        f.write("X <- structure(%s, .Dim = c(%dL, %dL))\n" % (r_vector(X.T), N, P))
    rng = np.random.default_rng(4242)
    cmds = []
    for c in range(1, chains + 1):
        w0 = rng.normal(0.0, 1.0, P)          # dispersed starts
        a0 = np.exp(rng.normal(0.0, 1.0, P))
        with open(os.path.join(jdir, "inits%d.R" % c), "w") as f:
            f.write('".RNG.name" <- "base::Mersenne-Twister"\n".RNG.seed" <- %d\n' % (1000 + c))
            f.write("w <- %s\nalpha <- %s\n" % (r_vector(w0), r_vector(a0)))
        with open(os.path.join(jdir, "run%d.cmd" % c), "w") as f:
            f.write("load glm\nmodel in \"model.bug\"\ndata in \"data.R\"\n"
                    "compile, nchains(1)\nparameters in \"inits%d.R\"\ninitialize\n"
                    "update %d\nmonitor w\nmonitor alpha\nupdate %d\n"
                    "coda *, stem(\"chain%d_\")\nexit\n" % (c, burn, iters, c))
        cmds.append("run%d.cmd" % c)

    def one(cmd):
        with open(os.path.join(jdir, cmd.replace(".cmd", ".log")), "w") as log:
            try:
                r = subprocess.run([jags_bin, cmd], cwd=jdir, stdout=log, stderr=subprocess.STDOUT,
                                   timeout=timeout)
            except subprocess.TimeoutExpired:
                raise RuntimeError("JAGS chain %s took more than %d s (see %s)" % (cmd, timeout, jdir))
        if r.returncode != 0:
            raise RuntimeError("JAGS failed on %s: see %s" % (cmd, os.path.join(jdir, cmd.replace(".cmd", ".log"))))

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as ex:
        list(ex.map(one, cmds))
    wall = time.perf_counter() - t0
    draws = {}
    for c in range(1, chains + 1):
        index = {}
        with open(os.path.join(jdir, "chain%d_index.txt" % c)) as f:
            for line in f:
                name, a, b = line.split()
                index[name] = (int(a) - 1, int(b))
        vals = np.loadtxt(os.path.join(jdir, "chain%d_chain1.txt" % c))[:, 1]
        for name, (a, b) in index.items():
            draws.setdefault(name, []).append(vals[a:b])
    w = np.array([np.array(draws["w[%d]" % (p + 1)]) for p in range(P)])   # P x chains x iters
    res = {"chains": chains, "burn": burn, "iters": iters, "seconds": wall,
           "mean": w.mean(axis=(1, 2)).tolist(), "sd": w.std(axis=(1, 2), ddof=1).tolist(),
           "ess": [ess(w[p]) for p in range(P)], "rhat": [split_rhat(w[p]) for p in range(P)]}
    a = np.array([np.array(draws["alpha[%d]" % (p + 1)]) for p in range(P)])
    res["alpha_mean"] = a.mean(axis=(1, 2)).tolist()
    samples = w.reshape(P, -1).T                                            # S x P
    eta = case["Xte"] @ samples.T                                           # Nte x S
    if case["kind"] == "bernoulli":
        prob = expit(eta).mean(axis=1)
    else:
        prob = logsumexp(poisson_logpmf(case["yte"][:, None], eta), axis=1) - math.log(eta.shape[1])
    res["accuracy"], res["logloss"] = metrics(case["kind"], case["yte"], prob)
    return res


# ----------------------------------------------------------------------------- HMC, JJ-VB in numpy

def _loglik_grad(kind, X, y, w):
    eta = X @ w
    if kind == "bernoulli":
        ll = float(np.sum(y * eta - np.logaddexp(0.0, eta)))
        return ll, X.T @ (y - expit(eta))
    mu = np.exp(eta)
    return float(np.sum(y * eta - mu)), X.T @ (y - mu)


def _logpost_grad(kind, X, y, w, a0, b0):
    """The posterior of w with the ARD precisions integrated out: each w_p has the Student-t
    prior p(w_p) = int N(w_p | 0, 1/alpha) Gamma(alpha | a0, b0) dalpha
    ∝ (b0 + w_p^2 / 2)^-(a0 + 1/2)."""
    ll, g = _loglik_grad(kind, X, y, w)
    lp = ll - (a0 + 0.5) * float(np.sum(np.log(b0 + 0.5 * w * w)))
    return lp, g - (a0 + 0.5) * w / (b0 + 0.5 * w * w)


def run_hmc(case, prior, chains, warmup, draws, seed=7):
    """A second, independent MCMC reference: Hamiltonian Monte Carlo on the posterior of w with
    alpha integrated out (exact for the marginal of w), in coordinates whitened by the Hessian at
    the posterior mode (computed here with scipy, nothing from vmodel), the step size adapted in
    the warm-up to an acceptance rate of 0.8, a random number of leapfrog steps per draw. Only
    for smooth priors (a0 >= 1/2): the vague Gamma(1e-2, 1e-4) makes the prior of w a spike of
    width 0.01 at 0 that a global step size cannot explore."""
    from scipy.optimize import minimize
    kind, X, y = case["kind"], case["Xtr"], case["ytr"].astype(float)
    a0, b0 = prior
    P = X.shape[1]
    t0 = time.perf_counter()
    f = lambda w: tuple(-v for v in _logpost_grad(kind, X, y, w, a0, b0))
    opt = minimize(f, np.zeros(P), jac=True, method="L-BFGS-B", options={"maxiter": 10000, "gtol": 1e-9})
    wmap = opt.x
    eta = X @ wmap
    curv = expit(eta) * (1 - expit(eta)) if kind == "bernoulli" else np.exp(eta)
    H = X.T @ (curv[:, None] * X)
    u = 0.5 * wmap * wmap
    H[np.diag_indices(P)] += np.maximum((a0 + 0.5) * (b0 - u) / (b0 + u) ** 2, 0.0)
    L = np.linalg.cholesky(np.linalg.inv(H))          # w = wmap + L z

    def lpz(z):
        lp, g = _logpost_grad(kind, X, y, wmap + L @ z, a0, b0)
        return lp, L.T @ g

    rng = np.random.default_rng(seed)
    out = np.empty((chains, draws, P))
    accepts = []
    for c in range(chains):
        z = rng.normal(0.0, 1.5, P)
        lp, g = lpz(z)
        eps, nsteps = 0.5, 6
        acc_sum = 0.0
        for it in range(warmup + draws):
            e = eps * rng.uniform(0.8, 1.2)
            n = int(rng.integers(max(1, nsteps // 2), 2 * nsteps))
            p0 = rng.standard_normal(P)
            zn, gn, p = z.copy(), g.copy(), p0 + 0.5 * e * g
            for s in range(n):
                zn = zn + e * p
                lpn, gn = lpz(zn)
                if s < n - 1:
                    p = p + e * gn
            p = p + 0.5 * e * gn
            logr = (lpn - 0.5 * p @ p) - (lp - 0.5 * p0 @ p0)
            a = math.exp(min(0.0, logr)) if np.isfinite(logr) else 0.0
            if rng.random() < a:
                z, lp, g = zn, lpn, gn
            if it < warmup:
                eps *= math.exp(0.05 * (a - 0.8))      # Robbins-Monro on log eps
                nsteps = max(1, int(round(1.5 / eps)))
            else:
                acc_sum += a
                out[c, it - warmup] = wmap + L @ z
        accepts.append(acc_sum / draws)
    w = np.transpose(out, (2, 0, 1))                   # P x chains x draws
    res = {"chains": chains, "warmup": warmup, "draws": draws, "seconds": time.perf_counter() - t0,
           "accept": accepts, "map": wmap.tolist(),
           "mean": w.mean(axis=(1, 2)).tolist(), "sd": w.std(axis=(1, 2), ddof=1).tolist(),
           "ess": [ess(w[p]) for p in range(P)], "rhat": [split_rhat(w[p]) for p in range(P)]}
    samples = w.reshape(P, -1).T
    eta = case["Xte"] @ samples.T
    if kind == "bernoulli":
        prob = expit(eta).mean(axis=1)
    else:
        prob = logsumexp(poisson_logpmf(case["yte"][:, None], eta), axis=1) - math.log(eta.shape[1])
    res["accuracy"], res["logloss"] = metrics(kind, case["yte"], prob)
    return res


def jj_vb(case, prior, iters=100000, tol=1e-12):
    """The same variational Bayes as vmodel's logistic model, written out here from PRML 10.6
    (Jaakkola-Jordan bound, one xi per row) and PRML 7.2 / 10.3 (Gamma ARD precisions):
      S^-1 = diag(E[alpha]) + 2 sum_n lambda(xi_n) x_n x_n^T,  m = S sum_n (y_n - 1/2) x_n,
      xi_n^2 = x_n^T (S + m m^T) x_n,  q(alpha_p) = Gamma(a0 + 1/2, b0 + (m_p^2 + S_pp) / 2),
    alternated from xi = 1, E[alpha] = a0 / b0 until m and S stop changing. Checks that vmodel
    reaches the optimum of its own bound; the distance to MCMC is then the method's."""
    X, y = case["Xtr"], case["ytr"].astype(float)
    a0, b0 = prior
    N, P = X.shape
    xi = np.ones(N)
    ealpha = np.full(P, a0 / b0)
    m = np.zeros(P)
    for it in range(iters):
        lam = np.tanh(xi / 2) / (4 * xi)
        S = np.linalg.inv(np.diag(ealpha) + 2 * (X.T * lam) @ X)
        m_new = S @ (X.T @ (y - 0.5))
        xi = np.sqrt(np.einsum("ij,jk,ik->i", X, S + np.outer(m_new, m_new), X))
        ealpha = (a0 + 0.5) / (b0 + 0.5 * (m_new ** 2 + np.diag(S)))
        done = np.max(np.abs(m_new - m)) < tol * (1 + np.max(np.abs(m)))
        m = m_new
        if done and it > 2:
            break
    shape = np.full(P, a0 + 0.5)
    rate = b0 + 0.5 * (m ** 2 + np.diag(S))
    return {"mean": m.tolist(), "sd": np.sqrt(np.diag(S)).tolist(), "iterations": it + 1,
            "elbo": jj_elbo(case, prior, m, S, shape, rate)}


def jj_elbo(case, prior, m, S, shape, rate):
    """The bound of the logistic ARD model at q(w) = N(m, S), q(alpha_p) = Gamma(shape_p, rate_p),
    every xi_n at its optimum (xi_n^2 = E[(w^T x_n)^2]), every constant included:
    sum_n [ln sigmoid(xi_n) + (t_n E[a_n] - xi_n) / 2] + E ln p(w | alpha) + E ln p(alpha)
    + H[q(w)] + H[q(alpha)], t_n = 2 y_n - 1, a_n = w^T x_n."""
    from scipy.special import digamma
    X, y = case["Xtr"], case["ytr"].astype(float)
    a0, b0 = prior
    P = X.shape[1]
    xi = np.sqrt(np.einsum("ij,jk,ik->i", X, S + np.outer(m, m), X))
    lik = float(np.sum(-np.logaddexp(0.0, -xi) + ((2 * y - 1) * (X @ m) - xi) / 2))
    ea, elna = shape / rate, digamma(shape) - np.log(rate)
    ew2 = m ** 2 + np.diag(S)
    pw = float(np.sum(0.5 * elna - 0.5 * math.log(2 * math.pi) - 0.5 * ea * ew2))
    pa = float(np.sum(a0 * math.log(b0) - gammaln(a0) + (a0 - 1) * elna - b0 * ea))
    hw = 0.5 * (P * math.log(2 * math.pi * math.e) + np.linalg.slogdet(S)[1])
    ha = float(np.sum(shape - np.log(rate) + gammaln(shape) + (1 - shape) * digamma(shape)))
    return lik + pw + pa + hw + ha


# ----------------------------------------------------------------------------- scikit-learn

def median_time(fn, repeats):
    """Median wall time of repeats calls after one untimed call (imports, first-call set-up)."""
    times, out = [], fn()
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return out, statistics.median(times)


def run_sklearn(case, repeats):
    import warnings
    from sklearn.linear_model import LogisticRegression, LogisticRegressionCV, PoissonRegressor
    from sklearn.exceptions import ConvergenceWarning
    # sklearn fits its own unpenalised intercept: give it the features without the ones column.
    Xtr, Xte = case["Xtr"][:, 1:], case["Xte"][:, 1:]
    ytr, yte = case["ytr"], case["yte"]
    if case["kind"] == "poisson":
        methods = [("sklearn PoissonRegressor", lambda: PoissonRegressor()),
                   ("sklearn PoissonRegressor(alpha=0)", lambda: PoissonRegressor(alpha=0.0))]
    else:
        methods = [("sklearn LogisticRegression", lambda: LogisticRegression()),
                   ("sklearn LogisticRegressionCV(cv=5)", lambda: LogisticRegressionCV(cv=5))]
    out = []
    for label, make in methods:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            est, secs = median_time(lambda: make().fit(Xtr, ytr), repeats)
        note = "ConvergenceWarning" if any(issubclass(w.category, ConvergenceWarning) for w in caught) else ""
        if case["kind"] == "poisson":
            prob = poisson_logpmf(yte, np.log(est.predict(Xte)))
        else:
            prob = est.predict_proba(Xte)
            if case["kind"] == "bernoulli":
                prob = prob[:, 1]
        acc, ll = metrics(case["kind"], yte, prob)
        r = {"method": label, "accuracy": acc, "logloss": ll, "seconds": secs, "note": note}
        if hasattr(est, "C_"):
            r["note"] = ("C = %s" % ", ".join("%.3g" % c for c in np.unique(est.C_)) + (" " + note if note else "")).strip()
        out.append(r)
    return out


# ----------------------------------------------------------------------------- vmodel

def vmodel_check(vmodel, model):
    r = subprocess.run([vmodel, "check", "--quiet", model], capture_output=True, text=True)
    if r.returncode == 0:
        return None
    lines = [l for l in r.stderr.splitlines() if "error" in l]
    return lines[0] if lines else r.stderr.strip()


def prior_tag(prior):
    return "a0=%g,b0=%g" % prior


def run_vmodel(case, cdir, vmodel, repeats, prior, iters):
    model = os.path.join(MODELS, case["model"])
    train, test = os.path.join(cdir, "train.csv"), os.path.join(cdir, "test.csv")
    fit_json = os.path.join(cdir, "vmodel-fit-%s.json" % prior_tag(prior))
    walls, fits, post = [], [], None
    # One run more than timed: the first compiles the model (javac) unless the cache has it.
    for i in range(repeats + 1):
        t0 = time.perf_counter()
        r = subprocess.run([vmodel, "fit", model, "--data", train, "--quiet", "--format", "json",
                            "--set", "a0=%r" % prior[0], "--set", "b0=%r" % prior[1], "--iters", str(iters),
                            "--out", fit_json], capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if r.returncode != 0:
            raise RuntimeError("vmodel fit failed (exit %d): %s" % (r.returncode, r.stderr.strip()))
        post = json.loads(r.stdout)
        if i > 0:
            walls.append(wall)
            fits.append(post["seconds"])
    res = {"method": "vmodel (VB)", "seconds": statistics.median(walls),
           "fit_seconds": statistics.median(fits), "iterations": post["iterations"],
           "converged": post["converged"], "elbo": post["elbo"], "posterior": post}
    Xte, yte = case["Xte"], case["yte"]
    P = Xte.shape[1]
    if case["kind"] in ("bernoulli", "poisson"):
        q = post["factors"]["w"]["parameters"]
        m = np.array(q["mean"])
        S = np.array(q["cov"]).reshape(P, P)
        mu = Xte @ m
        sd = np.sqrt(np.einsum("ij,jk,ik->i", Xte, S, Xte))
        if case["kind"] == "bernoulli":
            prob = gh_expect(mu, sd, expit)
        else:
            prob = gh_log_expect(mu, sd, lambda a: poisson_logpmf(yte[:, None], a))
        res["mean"] = m.tolist()
        res["sd"] = np.sqrt(np.diag(S)).tolist()
    else:
        q = post["factors"]["W"]["parameters"]
        C = post["factors"]["W"]["elements"]
        M = np.array(q["mean"]).reshape(C, P)
        S = np.array(q["cov"]).reshape(C, P, P)
        rng = np.random.default_rng(MC_SEED)
        W = np.stack([rng.multivariate_normal(M[c], S[c], size=MC_DRAWS) for c in range(C)], axis=1)
        logits = np.einsum("scp,np->snc", W, Xte)                       # draws x rows x classes
        prob = np.exp(logits - logsumexp(logits, axis=2, keepdims=True)).mean(axis=0)
        res["mean"] = M.tolist()
    res["accuracy"], res["logloss"] = metrics(case["kind"], yte, prob)
    # vmodel's own predict, for comparison, when it gives a log predictive per row.
    r = subprocess.run([vmodel, "predict", model, "--posterior", fit_json, "--data", test,
                        "--format", "csv", "--quiet"], capture_output=True, text=True)
    if r.returncode == 0:
        header = r.stdout.splitlines()[0].split(",")
        if "logPredictive" in header:
            j = header.index("logPredictive")
            lp = np.array([float(l.split(",")[j]) for l in r.stdout.splitlines()[1:]])
            res["predict_logloss"] = float(-np.mean(lp))
        else:
            res["predict_note"] = "vmodel predict gives no logPredictive (%s)" % (
                "its columns: " + ",".join(header[:3]) if any(header) else "its CSV has no columns")
    else:
        res["predict_note"] = "vmodel predict failed: " + (r.stderr.strip().splitlines() or ["?"])[0]
    return res


def compare(vb, mc):
    m1, m2, s2 = np.array(vb["mean"]), np.array(mc["mean"]), np.array(mc["sd"])
    d = np.abs(m1 - m2) / s2
    out = {"max_dmean_over_sd": float(d.max()), "argmax": int(d.argmax()),
           "dmean_over_sd": d.tolist(), "pass": bool(d.max() <= ACCEPT)}
    if "sd" in vb:
        r = np.array(vb["sd"]) / s2
        out["sd_ratio_min"], out["sd_ratio_max"] = float(r.min()), float(r.max())
    return out


# ----------------------------------------------------------------------------- table

def fmt(x, spec):
    return "-" if x is None else format(x, spec)


def table(out):
    with open(os.path.join(out, "results.json")) as f:
        results = json.load(f)
    lines = []
    hdr = "%-14s %-36s %9s %9s %9s %9s  %s" % ("data set", "method", "accuracy", "log loss",
                                               "time (s)", "x sklearn", "notes")
    lines += [hdr, "-" * len(hdr)]
    for case in results["cases"]:
        rows = case["rows"]
        base = next((r["seconds"] for r in rows if r["method"].startswith("sklearn")), None)
        for r in rows:
            ratio = r["seconds"] / base if (base and r.get("seconds") is not None) else None
            lines.append("%-14s %-36s %9s %9s %9s %9s  %s" % (
                case["name"], r["method"], fmt(r.get("accuracy"), ".4f"), fmt(r.get("logloss"), ".4f"),
                fmt(r.get("seconds"), ".3f"), fmt(ratio, ".1f"), r.get("note", "")))
        if case.get("vb_vs_mcmc"):
            c = case["vb_vs_mcmc"]
            lines.append("%-14s   vmodel vs JAGS (same prior): max_p |mean_vb - mean_mcmc| / sd_mcmc = %.3f (w[%d]; line <= %.1f: %s);"
                         " sd_vb / sd_mcmc in [%.2f, %.2f]" % (
                             case["name"], c["max_dmean_over_sd"], c["argmax"], ACCEPT,
                             "pass" if c["pass"] else "FAIL", c.get("sd_ratio_min", float("nan")),
                             c.get("sd_ratio_max", float("nan"))))
        for key, label in (("vb_vs_hmc", "vmodel vs HMC"), ("jags_vs_hmc", "JAGS vs HMC  ")):
            if case.get(key):
                c = case[key]
                lines.append("%-14s   %s: max_p |mean - mean_hmc| / sd_hmc = %.3f (w[%d]; line <= %.1f: %s);"
                             " sd / sd_hmc in [%.2f, %.2f]" % (
                                 case["name"], label, c["max_dmean_over_sd"], c["argmax"], ACCEPT,
                                 "pass" if c["pass"] else "FAIL", c.get("sd_ratio_min", float("nan")),
                                 c.get("sd_ratio_max", float("nan"))))
        if case.get("hmc_ess"):
            e = case["hmc_ess"]
            lines.append("%-14s   HMC: %d chains x %d (after %d warm-up), ESS of w min %.0f median %.0f, split R-hat max %.3f" % (
                case["name"], e["chains"], e["iters"], e["burn"], e["min"], e["median"], e["rhat_max"]))
        if case.get("jags_ratio"):
            lines.append("%-14s   JAGS wall / vmodel wall = %.0f; / vmodel fit alone = %.0f" % (
                case["name"], case["jags_ratio"][0], case["jags_ratio"][1]))
        if case.get("truth") is not None and case.get("vmodel_mean") is not None:
            lines.append("%-14s   true w %s; vmodel mean %s" % (
                case["name"], np.round(case["truth"], 3).tolist(), np.round(case["vmodel_mean"], 3).tolist()))
        if case.get("mcmc_ess"):
            e = case["mcmc_ess"]
            lines.append("%-14s   JAGS: %d chains x %d (after %d burn-in), ESS of w min %.0f median %.0f, split R-hat max %.3f" % (
                case["name"], e["chains"], e["iters"], e["burn"], e["min"], e["median"], e["rhat_max"]))
        if case.get("fixed_alpha"):
            fa = case["fixed_alpha"]
            c = fa["compare"]
            lines.append("%-14s   alpha held at 1 (Gamma(1e4, 1e4)), vmodel vs HMC: max_p |dmean| / sd_hmc = %.3f (w[%d]; %s);"
                         " sd_vb / sd_hmc in [%.2f, %.2f]; log loss vmodel %.4f, HMC %.4f (HMC ESS min %.0f)" % (
                             case["name"], c["max_dmean_over_sd"], c["argmax"], "pass" if c["pass"] else "FAIL",
                             c["sd_ratio_min"], c["sd_ratio_max"], fa["vmodel"]["logloss"], fa["hmc"]["logloss"],
                             min(fa["hmc"]["ess"])))
        for note in case.get("notes", []):
            lines.append("%-14s   %s" % (case["name"], note))
    return "\n".join(lines)


# ----------------------------------------------------------------------------- main

def main(argv):
    if len(argv) >= 1 and argv[0] == "table":
        print(table(argv[1]))
        return 0
    ap = argparse.ArgumentParser(prog="classify.py")
    ap.add_argument("--out", default=None, help="results directory (default bench/out/classify-<date>)")
    ap.add_argument("--vmodel", default=os.path.join(ROOT, "bin", "vmodel"))
    ap.add_argument("--jags", default="/usr/bin/jags")
    ap.add_argument("--repeats", type=int, default=5, help="timed runs of sklearn and vmodel; medians")
    ap.add_argument("--cases", default="breast-cancer,iris,sim-logistic,sim-poisson")
    ap.add_argument("--chains", type=int, default=4)
    ap.add_argument("--burn", type=int, default=None)
    ap.add_argument("--iters", type=int, default=None, help="JAGS iterations per chain after burn-in")
    ap.add_argument("--quick", action="store_true", help="short JAGS runs (not enough for the acceptance line)")
    ap.add_argument("--no-jags", action="store_true", help="skip JAGS and HMC")
    ap.add_argument("--no-fixed", action="store_true",
                    help="skip the logistic fits with alpha held at 1 (vmodel against HMC)")
    ap.add_argument("--vmodel-iters", type=int, default=5000,
                    help="vmodel fit --iters (iris's softmax fit needs about 1700 sweeps)")
    ap.add_argument("--jags-timeout", type=int, default=300, help="seconds per JAGS chain before giving up")
    a = ap.parse_args(argv)
    out = a.out or os.path.join(HERE, "out", "classify-" + time.strftime("%Y%m%d-%H%M%S"))
    os.makedirs(out, exist_ok=True)
    wanted = a.cases.split(",")
    cases = [c for c in make_cases() if c["name"] in wanted]
    unknown = set(wanted) - {c["name"] for c in cases}
    if unknown:
        print("classify.py: unknown case(s) %s" % ", ".join(sorted(unknown)), file=sys.stderr)
        return 2
    # Iterations per case (after burn-in, per chain): enough for an ESS of several hundred per
    # coefficient at a JAGS wall time under 2 minutes on 2 cores.
    jags_len = {"breast-cancer": (1000, 4000), "sim-logistic": (1000, 5000), "sim-poisson": (1000, 5000)}
    results = {"cases": [], "out": out}
    for case in cases:
        name = case["name"]
        cdir = os.path.join(out, name)
        os.makedirs(cdir, exist_ok=True)
        print("== %s: %s" % (name, case["about"]), file=sys.stderr)
        write_csv(os.path.join(cdir, "train.csv"), case["Xtr"], case["ytr"])
        write_csv(os.path.join(cdir, "test.csv"), case["Xte"], case["yte"])
        entry = {"name": name, "about": case["about"], "n_train": int(len(case["ytr"])),
                 "n_test": int(len(case["yte"])), "P": int(case["Xtr"].shape[1]), "rows": [],
                 "truth": case["truth"], "notes": []}
        print("   scikit-learn", file=sys.stderr)
        entry["rows"] += run_sklearn(case, a.repeats)
        mc = None
        if case["jags"] and not a.no_jags:
            burn, iters = jags_len[name]
            if a.quick:
                burn, iters = 500, 1000
            burn, iters = a.burn or burn, a.iters or iters
            print("   JAGS, %d chains x (%d + %d), prior Gamma(%g, %g)" % (
                (a.chains, burn, iters) + case["jags_prior"]), file=sys.stderr)
            try:
                mc = run_jags(case, cdir, a.chains, burn, iters, a.jags, case["jags_prior"], a.jags_timeout)
            except RuntimeError as e:
                print("   " + str(e), file=sys.stderr)
                entry["notes"].append(str(e))
        if mc is not None:
            mc["prior"] = case["jags_prior"]
            with open(os.path.join(cdir, "jags.json"), "w") as f:
                json.dump(mc, f, indent=1)
            entry["rows"].append({"method": "JAGS (MCMC), %s" % prior_tag(case["jags_prior"]),
                                  "accuracy": mc["accuracy"], "logloss": mc["logloss"],
                                  "seconds": mc["seconds"],
                                  "note": "%d chains x %d, 2 at a time" % (a.chains, iters)})
            entry["mcmc_ess"] = {"chains": a.chains, "burn": burn, "iters": iters,
                                 "min": min(mc["ess"]), "median": statistics.median(mc["ess"]),
                                 "rhat_max": max(mc["rhat"])}
        hmc = None
        if case.get("hmc") and not a.no_jags:
            warm, draws = (300, 1000) if a.quick else (500, 4000)
            print("   HMC (numpy), %d chains x (%d + %d), prior Gamma(%g, %g)" % (
                (a.chains, warm, draws) + case["jags_prior"]), file=sys.stderr)
            hmc = run_hmc(case, case["jags_prior"], a.chains, warm, draws)
            with open(os.path.join(cdir, "hmc.json"), "w") as f:
                json.dump(hmc, f, indent=1)
            entry["rows"].append({"method": "HMC (numpy, alpha integrated), %s" % prior_tag(case["jags_prior"]),
                                  "accuracy": hmc["accuracy"], "logloss": hmc["logloss"],
                                  "seconds": hmc["seconds"], "note": "%d chains x %d" % (a.chains, draws)})
            entry["hmc_ess"] = {"chains": a.chains, "burn": warm, "iters": draws,
                                "min": min(hmc["ess"]), "median": statistics.median(hmc["ess"]),
                                "rhat_max": max(hmc["rhat"])}
            if mc is not None:
                entry["jags_vs_hmc"] = compare(mc, hmc)
        model = os.path.join(MODELS, case["model"])
        rejected = vmodel_check(a.vmodel, model)
        if rejected:
            msg = "vmodel skipped: `vmodel check` rejects %s: %s" % (os.path.relpath(model, ROOT), rejected)
            print("   " + msg, file=sys.stderr)
            entry["notes"].append(msg)
        else:
            entry["vmodel"] = {}
            for prior in case["priors"]:
                tag = prior_tag(prior)
                print("   vmodel, %s" % tag, file=sys.stderr)
                vb = run_vmodel(case, cdir, a.vmodel, a.repeats, prior, a.vmodel_iters)
                note = "fit alone %.3f s, %d sweeps%s" % (vb["fit_seconds"], vb["iterations"],
                                                       "" if vb["converged"] else " NOT converged")
                entry["rows"].append({"method": "vmodel (VB), %s" % tag,
                                      "accuracy": vb["accuracy"], "logloss": vb["logloss"],
                                      "seconds": vb["seconds"], "note": note})
                if "predict_logloss" in vb:
                    entry["rows"].append({"method": "  vmodel predict (its logPredictive)",
                                          "accuracy": None, "logloss": vb["predict_logloss"],
                                          "seconds": None})
                elif vb["predict_note"] not in entry["notes"]:
                    entry["notes"].append(vb["predict_note"])
                entry["vmodel"][tag] = vb
                if case["kind"] == "bernoulli":
                    post = vb.pop("posterior")
                    q = post["factors"]["w"]["parameters"]
                    P = len(q["mean"])
                    qa = post["factors"]["alpha"]["parameters"]
                    ref = jj_vb(case, prior)
                    d = np.abs(np.array(vb["mean"]) - ref["mean"]) / np.array(vb["sd"])
                    vb["jj_check"] = {
                        "elbo_vmodel": post["elbo"],
                        "elbo_of_vmodel_q": jj_elbo(case, prior, np.array(q["mean"]),
                                                    np.array(q["cov"]).reshape(P, P),
                                                    np.array(qa["shape"]), np.array(qa["rate"])),
                        "elbo_python_vb": ref["elbo"], "max_dmean_over_sd_vb": float(d.max())}
                    c = vb["jj_check"]
                    entry["notes"].append(
                        "%s: ELBO %.6f; the bound recomputed here from its q: %.6f; python JJ-VB (PRML 10.6 "
                        "+ ARD, own start): ELBO %.6f, max |mean - vmodel's| / sd_vb = %.3g" % (
                            tag, c["elbo_vmodel"], c["elbo_of_vmodel_q"], c["elbo_python_vb"],
                            c["max_dmean_over_sd_vb"]))
                vb.pop("posterior", None)
                if hmc is not None and prior == case["jags_prior"]:
                    entry["vb_vs_hmc"] = compare(vb, hmc)
                if mc is not None and prior == case["jags_prior"]:
                    entry["vb_vs_mcmc"] = compare(vb, mc)
                    entry["vb_vs_mcmc"]["prior"] = tag
                    entry["jags_ratio"] = (mc["seconds"] / vb["seconds"], mc["seconds"] / vb["fit_seconds"])
                if case["truth"] is not None and prior == case["priors"][0]:
                    entry["vmodel_mean"] = vb["mean"]
            # Which part of the gap is the bound's and which the ARD factorisation's: the same fit
            # with every alpha held near 1 (Gamma(1e4, 1e4): mean 1, sd 0.01) against HMC.
            if case["kind"] == "bernoulli" and case["jags"] and not a.no_jags and not a.no_fixed:
                fixed = (1e4, 1e4)
                print("   vmodel and HMC, alpha held at 1 (%s)" % prior_tag(fixed), file=sys.stderr)
                vbf = run_vmodel(case, cdir, a.vmodel, 1, fixed, a.vmodel_iters)
                vbf.pop("posterior", None)
                warm, draws = (300, 1000) if a.quick else (500, 4000)
                hf = run_hmc(case, fixed, a.chains, warm, draws)
                entry["fixed_alpha"] = {"vmodel": vbf, "hmc": {k: hf[k] for k in ("mean", "sd", "ess", "rhat", "accuracy", "logloss")},
                                        "compare": compare(vbf, hf)}
        results["cases"].append(entry)
        with open(os.path.join(out, "results.json"), "w") as f:
            json.dump(results, f, indent=1)
    text = table(out)
    with open(os.path.join(out, "table.txt"), "w") as f:
        f.write(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
