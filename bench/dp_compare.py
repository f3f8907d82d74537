#!/usr/bin/python3
"""The truncated Dirichlet-process mixture (examples/dp-mixture.vmodel) side by side with
scikit-learn's BayesianGaussianMixture(weight_concentration_prior_type='dirichlet_process') on the
same data and priors.

Usage: bench/dp_compare.py [VMODEL_JSON]   (default: runs bin/vmodel fit itself)

Checks, printed as a table:
1. vmodel's converged posterior is a fixed point of scikit-learn's updates: scikit-learn's M-step
   from vmodel's responsibilities gives vmodel's q(v) (Beta a, b), q(mu, Lambda) (m, beta, W, nu),
   and its E-step from those gives vmodel's responsibilities back.
2. The ELBO: the full bound with every constant, computed here from the book (Blei and Jordan 2006
   for the sticks, Bishop 10.71-10.77 for the Normal-Wishart components), at that state, against
   vmodel's reported ELBO; and scikit-learn's lower_bound_, which leaves out a constant C (computed
   here and checked numerically).
3. Both fitted from their own defaults (vmodel: k-means++ start; scikit-learn: k-means, tol 1e-3 and
   tol 1e-8): the full bound each reaches and the number of components with weight above 1%.
Needs Debian's python3-sklearn (run with /usr/bin/python3).
"""
import json
import math
import os
import subprocess
import sys
import warnings

import numpy as np
from scipy.special import betaln, digamma, gammaln

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
K, GAMMA0, BETA0 = 10, 1.0, 1.0


def ln_b(ln_det_w, nu, d):
    """ln B(W, nu), the Wishart normaliser (Bishop B.79)."""
    i = np.arange(1, d + 1)
    return -0.5 * nu * ln_det_w - 0.5 * nu * d * math.log(2.0) - 0.25 * d * (d - 1) * math.log(math.pi) \
        - np.sum(gammaln(0.5 * (nu + 1 - i)))


def dp_full_elbo(X, R, a, b, beta, m, W, nu, gamma0, beta0, m0, W0inv, nu0):
    """E_q[ln p(X, Z, v, mu, Lambda)] + H[q], every constant kept."""
    n, d = X.shape
    k = len(a)
    Nk = R.sum(0)
    s = R.T @ X
    i = np.arange(1, d + 1)
    ln_det_w = np.array([np.linalg.slogdet(W[c])[1] for c in range(k)])
    e_ln_lambda = np.array([np.sum(digamma(0.5 * (nu[c] + 1 - i))) for c in range(k)]) + d * math.log(2) + ln_det_w
    total = 0.0
    for c in range(k):
        M2 = (X * R[:, c:c + 1]).T @ X
        q = np.sum(W[c] * M2) - 2 * m[c] @ W[c] @ s[c] + Nk[c] * (m[c] @ W[c] @ m[c])
        total += 0.5 * (Nk[c] * (e_ln_lambda[c] - d / beta[c] - d * math.log(2 * math.pi)) - nu[c] * q)  # ln p(x|z,mu,L)
        dm = m[c] - m0
        total += 0.5 * (d * math.log(beta0 / (2 * math.pi)) + e_ln_lambda[c] - d * beta0 / beta[c]
                        - beta0 * nu[c] * (dm @ W[c] @ dm))  # ln p(mu | Lambda)
        total += ln_b(-np.linalg.slogdet(W0inv)[1], nu0, d) + 0.5 * (nu0 - d - 1) * e_ln_lambda[c] \
            - 0.5 * nu[c] * np.sum(W0inv * W[c])  # ln p(Lambda)
        h_lambda = -ln_b(ln_det_w[c], nu[c], d) - 0.5 * (nu[c] - d - 1) * e_ln_lambda[c] + 0.5 * nu[c] * d
        total += -0.5 * e_ln_lambda[c] - 0.5 * d * math.log(beta[c] / (2 * math.pi)) + 0.5 * d + h_lambda
    # Sticks: E[ln pi_k] = E[ln v_k] + sum_{j<k} E[ln(1 - v_j)].
    e_ln_v = digamma(a) - digamma(a + b)
    e_ln_1mv = digamma(b) - digamma(a + b)
    e_ln_pi = e_ln_v + np.concatenate(([0.0], np.cumsum(e_ln_1mv)[:-1]))
    total += float(Nk @ e_ln_pi)  # ln p(z | v)
    total += k * (-betaln(1.0, gamma0)) + (gamma0 - 1) * e_ln_1mv.sum()  # ln p(v), Beta(1, gamma0)
    total += float(np.sum(betaln(a, b) - (a - 1) * e_ln_v - (b - 1) * e_ln_1mv))  # H[q(v)]
    with np.errstate(divide="ignore", invalid="ignore"):
        total += -float(np.sum(np.where(R > 0, R * np.log(R), 0.0)))  # H[q(z)]
    return float(total)


def sklearn_dp_constant(n, d, k, gamma0, beta0, ln_det_w0, nu0):
    """What scikit-learn's _compute_lower_bound leaves out (DP weights): at an M-step optimum the
    stick terms of the full bound add up to K ln gamma0 + sum_k ln B(a_k, b_k), of which
    scikit-learn keeps the second; the Gaussian constants are those of the finite mixture."""
    i = np.arange(1, d + 1)
    return float(k * math.log(gamma0) + 0.5 * k * d * math.log(beta0) - 0.5 * n * d * math.log(2 * math.pi)
                 - k * (0.5 * nu0 * ln_det_w0 + 0.5 * nu0 * d * math.log(2) + np.sum(gammaln(0.5 * (nu0 + 1 - i)))))


def q_params(model):
    L = model.precisions_cholesky_
    W = np.einsum("kij,klj->kil", L, L) / model.degrees_of_freedom_[:, None, None]
    a, b = model.weight_concentration_
    return a, b, model.mean_precision_, model.means_, W, model.degrees_of_freedom_


def sklearn_model(tol, max_iter, seed=0):
    from sklearn.mixture import BayesianGaussianMixture
    return BayesianGaussianMixture(
        n_components=K, covariance_type="full", weight_concentration_prior_type="dirichlet_process",
        weight_concentration_prior=GAMMA0, mean_precision_prior=BETA0, mean_prior=np.zeros(2),
        degrees_of_freedom_prior=2.0, covariance_prior=np.eye(2), reg_covar=0.0, tol=tol,
        max_iter=max_iter, random_state=seed)


def main():
    X = np.loadtxt(os.path.join(ROOT, "examples/data/dp-mixture.csv"), delimiter=",", skiprows=1)
    n, d = X.shape
    if len(sys.argv) > 1:
        fit = json.load(open(sys.argv[1]))
    else:
        out = "/tmp/vmodel-dp-compare.json"
        subprocess.run([os.path.join(ROOT, "bin/vmodel"), "fit", os.path.join(ROOT, "examples/dp-mixture.vmodel"),
                        "--tol", "1e-13", "--iters", "5000", "--quiet", "--out", out], check=True)
        fit = json.load(open(out))
    f = fit["factors"]
    R = np.array(f["z"]["parameters"]["p"]).reshape(n, K)
    va, vb = np.array(f["v"]["parameters"]["a"]), np.array(f["v"]["parameters"]["b"])
    nw = f["mu, Lambda"]["parameters"]
    vm = np.array(nw["m"]).reshape(K, d)
    vbeta, vnu = np.array(nw["beta"]), np.array(nw["nu"])
    vW = np.array(nw["W"]).reshape(K, d, d)

    model = sklearn_model(1e-3, 100)
    model._check_parameters(X) if hasattr(model, "_check_parameters") else None
    model._initialize(X, R)  # scikit-learn's M-step from vmodel's responsibilities
    a, b, beta, m, W, nu = q_params(model)
    _, log_resp = model._estimate_log_prob_resp(X)  # and its E-step from those globals

    def rel(x, y):
        return float(np.max(np.abs(np.asarray(x) - np.asarray(y)) / np.maximum(1.0, np.abs(np.asarray(y)))))

    rows = [("q(v) a, b", max(rel(a, va), rel(b, vb))), ("q(mu, Lambda) m", rel(m, vm)),
            ("q(mu, Lambda) beta", rel(beta, vbeta)), ("q(mu, Lambda) nu", rel(nu, vnu)),
            ("q(mu, Lambda) W", rel(W, vW)), ("q(z) after scikit-learn's E-step", rel(np.exp(log_resp), R))]
    print("1. vmodel's converged posterior under scikit-learn's updates (max relative difference)")
    for name, v in rows:
        print(f"   {name:36s} {v:.1e}")

    full = dp_full_elbo(X, R, a, b, beta, m, W, nu, GAMMA0, BETA0, np.zeros(d), np.eye(d), 2.0)
    const = sklearn_dp_constant(n, d, K, GAMMA0, BETA0, 0.0, 2.0)
    sk_bound = float(model._compute_lower_bound(np.log(np.maximum(R, 1e-300)), None))
    print("2. ELBO at that state")
    print(f"   vmodel's reported ELBO                 {fit['elbo']:.10f}")
    print(f"   full bound from the book (this script) {full:.10f}   relative difference "
          f"{abs(full - fit['elbo']) / abs(full):.1e}")
    print(f"   scikit-learn's bound + C               {sk_bound + const:.10f}   (its bound {sk_bound:.6f},"
          f" C = {const:.6f})")

    print("3. each from its own default start (full bound, components with weight > 1%)")
    print(f"   vmodel (k-means++, tol 1e-13)          {fit['elbo']:.6f}  {int(np.sum(R.mean(0) > 0.01))}"
          f"  in {fit['iterations']} sweeps")
    for tol in (1e-3, 1e-8):
        sk = sklearn_model(tol, 5000)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sk.fit(X)
        _, lr = sk._estimate_log_prob_resp(X)
        sa, sb, sbeta, sm, sW, snu = q_params(sk)
        e = dp_full_elbo(X, np.exp(lr), sa, sb, sbeta, sm, sW, snu, GAMMA0, BETA0, np.zeros(d), np.eye(d), 2.0)
        print(f"   scikit-learn (k-means, tol {tol:g})     {e:.6f}  {int(np.sum(np.exp(lr).mean(0) > 0.01))}"
              f"  in {sk.n_iter_} iterations")


if __name__ == "__main__":
    main()
