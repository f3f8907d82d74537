#!/usr/bin/python3
"""The scikit-learn side of bench/compare.sh, and the table it prints.

    compare.py gmm   --dir DIR --k K --iters T   BayesianGaussianMixture from DIR/x.npy, DIR/labels.npy
    compare.py lda   --dir DIR --k K --iters T   LatentDirichletAllocation from DIR/{doc,w,r0}.npy
    compare.py gmm-ttb --dir DIR --k K [--check M]           time to bound: sklearn's defaults
    compare.py lda-ttb --dir DIR --k K --iters M --eta E --holdout H --out PREFIX [--check M]
    compare.py lda-eval --dir DIR --case CASE_DIR --k K --eta E --holdout H
                                                 topic cosines, held-out bounds of CASE_DIR/*-lambda.npy
    compare.py table ROOT                        the comparison table of every case under ROOT

gmm and lda print one JSON object on the last line of stdout. Run with Debian's /usr/bin/python3
(python3-sklearn); see docs/performance.md for the protocol.
"""

import argparse
import json
import math
import os
import sys
import time

import numpy as np


def stamp():
    return (time.perf_counter(), time.process_time())


def intervals(stamps):
    wall = [b[0] - a[0] for a, b in zip(stamps, stamps[1:])]
    cpu = [b[1] - a[1] for a, b in zip(stamps, stamps[1:])]
    return wall, cpu


def blas_info():
    try:
        from threadpoolctl import threadpool_info

        return [
            {k: i.get(k) for k in ("internal_api", "num_threads", "version", "architecture")}
            for i in threadpool_info()
        ]
    except Exception as e:  # noqa: BLE001 - informational only
        return [{"error": str(e)}]


def peak_rss_mb():
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# ---------------------------------------------------------------------------------------------
# Gaussian mixture


def ln_b(ln_det_w, nu, d):
    """ln B(W, nu) of the Wishart normaliser (Bishop B.79)."""
    from scipy.special import gammaln

    i = np.arange(1, d + 1)
    return (
        -0.5 * nu * ln_det_w
        - 0.5 * nu * d * math.log(2.0)
        - 0.25 * d * (d - 1) * math.log(math.pi)
        - np.sum(gammaln(0.5 * (nu + 1 - i)))
    )


def gmm_full_elbo(X, log_resp, alpha, beta, m, W, nu, alpha0, beta0, m0, W0inv, nu0):
    """The ELBO of the Bayesian Gaussian mixture with every constant (Bishop 10.70-10.77, with the
    entropies written out), at q(z) = exp(log_resp) and q(pi) = Dir(alpha),
    q(mu_k, Lambda_k) = N(m_k, (beta_k Lambda_k)^-1) W(Lambda_k | W_k, nu_k). The same quantity the
    generated code's elbo() computes."""
    from scipy.special import digamma, gammaln

    n, d = X.shape
    k = len(alpha)
    R = np.exp(log_resp)
    Nk = R.sum(0)
    s = R.T @ X  # K x D: sum_n r_nk x_n
    i = np.arange(1, d + 1)
    ln_det_w = np.array([np.linalg.slogdet(W[c])[1] for c in range(k)])
    e_ln_lambda = np.array([np.sum(digamma(0.5 * (nu[c] + 1 - i))) for c in range(k)]) + d * math.log(2) + ln_det_w
    e_ln_pi = digamma(alpha) - digamma(alpha.sum())
    t1 = 0.0
    t4 = 0.0
    h_mu_lambda = 0.0
    for c in range(k):
        M2 = (X * R[:, c : c + 1]).T @ X  # sum_n r_nk x_n x_n^T
        Wc = W[c]
        q = np.sum(Wc * M2) - 2 * m[c] @ Wc @ s[c] + Nk[c] * (m[c] @ Wc @ m[c])
        t1 += 0.5 * (Nk[c] * (e_ln_lambda[c] - d / beta[c] - d * math.log(2 * math.pi)) - nu[c] * q)
        dm = m[c] - m0
        t4 += 0.5 * (
            d * math.log(beta0 / (2 * math.pi)) + e_ln_lambda[c] - d * beta0 / beta[c] - beta0 * nu[c] * (dm @ Wc @ dm)
        )
        t4 += 0.5 * (nu0 - d - 1) * e_ln_lambda[c] - 0.5 * nu[c] * np.sum(W0inv * Wc)
        h_lambda = -ln_b(ln_det_w[c], nu[c], d) - 0.5 * (nu[c] - d - 1) * e_ln_lambda[c] + 0.5 * nu[c] * d
        h_mu_lambda += -0.5 * e_ln_lambda[c] - 0.5 * d * math.log(beta[c] / (2 * math.pi)) + 0.5 * d + h_lambda
    t4 += k * ln_b(-np.linalg.slogdet(W0inv)[1], nu0, d)
    t2 = float(Nk @ e_ln_pi)
    t3 = gammaln(k * alpha0) - k * gammaln(alpha0) + (alpha0 - 1) * e_ln_pi.sum()
    h_z = -float(np.sum(R * log_resp))
    h_pi = -(np.sum((alpha - 1) * e_ln_pi) + gammaln(alpha.sum()) - np.sum(gammaln(alpha)))
    return float(t1 + t2 + t3 + t4 + h_z + h_pi + h_mu_lambda)


def sklearn_gmm_constant(n, d, k, alpha0, beta0, ln_det_w0, nu0):
    """What BayesianGaussianMixture._compute_lower_bound leaves out: at an M-step optimum,
    full ELBO = sklearn's lower bound + this (derivation in docs/performance.md)."""
    from scipy.special import gammaln

    i = np.arange(1, d + 1)
    return float(
        gammaln(k * alpha0)
        - k * gammaln(alpha0)
        + 0.5 * k * d * math.log(beta0)
        - 0.5 * n * d * math.log(2 * math.pi)
        - k * (0.5 * nu0 * ln_det_w0 + 0.5 * nu0 * d * math.log(2) + np.sum(gammaln(0.5 * (nu0 + 1 - i))))
    )


def q_params(model):
    """q(pi), q(mu, Lambda) of a fitted BayesianGaussianMixture in Bishop's parameters. Its
    precision matrices are E[Lambda_k] = nu_k W_k, kept as Cholesky factors (precisions_ is only
    refreshed at the end of fit)."""
    L = model.precisions_cholesky_
    W = np.einsum("kij,klj->kil", L, L) / model.degrees_of_freedom_[:, None, None]
    return model.weight_concentration_, model.mean_precision_, model.means_, W, model.degrees_of_freedom_


def run_gmm(a):
    import sklearn
    from sklearn.mixture import BayesianGaussianMixture

    t0 = time.perf_counter()
    X = np.load(os.path.join(a.dir, "x.npy"))
    labels = np.load(os.path.join(a.dir, "labels.npy"))
    n, d = X.shape
    k = a.k
    R0 = np.zeros((n, k))
    R0[np.arange(n), labels] = 1.0
    load = time.perf_counter() - t0
    alpha0, beta0, nu0 = 0.001, 1.0, float(d)
    m0 = np.zeros(d)
    W0inv = np.eye(d)  # W0 = I; sklearn's covariance_prior is the inverse scale W0^-1

    stamps = []

    class Timed(BayesianGaussianMixture):
        def _initialize_parameters(self, X, random_state):
            self._initialize(X, R0)  # the M-step from the shared k-means responsibilities
            stamps.append(stamp())

        def _m_step(self, X, log_resp):
            super()._m_step(X, log_resp)
            stamps.append(stamp())

    # vmodel's sweep is M-step then E-step. sklearn's fit is: M-step from R0, then max_iter x
    # (E-step, M-step, bound), then a final E-step. With max_iter = T - 1 both have done T M-steps
    # and T E-steps, and sklearn's final (means, ..., E-step) is vmodel's state after T sweeps.
    model = Timed(
        n_components=k,
        covariance_type="full",
        weight_concentration_prior_type="dirichlet_distribution",
        weight_concentration_prior=alpha0,
        mean_precision_prior=beta0,
        mean_prior=m0,
        degrees_of_freedom_prior=nu0,
        covariance_prior=W0inv,
        reg_covar=0.0,
        tol=0.0,
        max_iter=a.iters - 1,
        n_init=1,
        init_params="random",  # unused: _initialize_parameters is overridden
        random_state=0,
    )
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_fit = stamp()
        model.fit(X)
        t_end = stamp()
    rss_fit = peak_rss_mb()
    wall, cpu = intervals(stamps)
    # Outside the timed region: the full ELBO of sklearn's final state (vmodel's state after T
    # sweeps), and a numerical check of the constant sklearn's bound leaves out.
    _, log_resp = model._estimate_log_prob_resp(X)
    full = gmm_full_elbo(X, log_resp, *q_params(model), alpha0, beta0, m0, W0inv, nu0)
    const = sklearn_gmm_constant(n, d, k, alpha0, beta0, 0.0, nu0)
    model._m_step(X, log_resp)
    check_full = gmm_full_elbo(X, log_resp, *q_params(model), alpha0, beta0, m0, W0inv, nu0)
    check_sk = float(model._compute_lower_bound(log_resp, None))
    out = {
        "impl": "sklearn-gmm",
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "blas": blas_info(),
        "n": n,
        "d": d,
        "k": k,
        "iters": a.iters,
        "max_iter": a.iters - 1,
        "load_seconds": load,
        "fit_seconds": t_end[0] - t_fit[0],
        "iter_seconds": wall,
        "iter_cpu_seconds": cpu,
        "lower_bound": float(model.lower_bound_),
        "constant": const,
        "constant_check": check_full - check_sk,
        "full_elbo": full,
        "peak_rss_mb_after_fit": rss_fit,
    }
    print(json.dumps(out))


# ---------------------------------------------------------------------------------------------
# LDA


def run_lda(a):
    import scipy.sparse as sp
    import sklearn
    import sklearn.decomposition._lda as skl_lda
    from sklearn.decomposition import LatentDirichletAllocation

    t0 = time.perf_counter()
    doc = np.load(os.path.join(a.dir, "doc.npy"))
    w = np.load(os.path.join(a.dir, "w.npy"))
    R0 = np.load(os.path.join(a.dir, "r0.npy"))
    docs, vocab, k = int(doc.max()) + 1, int(w.max()) + 1, a.k
    X = sp.csr_matrix((np.ones(len(w)), (doc, w)), shape=(docs, vocab))  # duplicates are summed
    X.sum_duplicates()
    alpha, eta = 0.1, 0.01
    # The same start as vmodel's: lambda_0 = eta + sum_t r0[t] onehot(w[t]), i.e. the topic
    # update vmodel's first sweep computes from the shared responsibilities r0.
    lambda0 = eta + np.stack([np.bincount(w, weights=R0[:, c], minlength=vocab) for c in range(k)])
    del R0
    load = time.perf_counter() - t0

    stamps = []

    class Timed(LatentDirichletAllocation):
        def _init_latent_vars(self, n_features, dtype=np.float64):
            super()._init_latent_vars(n_features, dtype)
            self.components_ = lambda0.copy()
            self.exp_dirichlet_component_ = np.exp(skl_lda._dirichlet_expectation_2d(self.components_))
            stamps.append(stamp())

        def _em_step(self, X, total_samples, batch_update, parallel=None):
            super()._em_step(X, total_samples, batch_update, parallel)
            stamps.append(stamp())

    model = Timed(
        n_components=k,
        doc_topic_prior=alpha,
        topic_word_prior=eta,
        learning_method="batch",
        max_iter=a.iters,
        evaluate_every=-1,
        random_state=0,
    )
    t_fit = stamp()
    model.fit(X)
    t_end = stamp()
    rss_fit = peak_rss_mb()
    wall, cpu = intervals(stamps)
    words = float(X.sum())
    bound = -math.log(model.bound_) * words  # bound_ is the perplexity exp(-bound / words)

    # Outside the timed region: how many inner (gamma, phi) iterations one training E-step does
    # per document at the final topics.
    calls = [0]
    real = skl_lda.cy_mean_change

    def counting(x, y):
        calls[0] += 1
        return real["double"](x, y)

    skl_lda.cy_mean_change = {"double": counting, "float": counting}
    try:
        model._e_step(X, cal_sstats=True, random_init=True)
    finally:
        skl_lda.cy_mean_change = real
    out = {
        "impl": "sklearn-lda",
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "blas": blas_info(),
        "documents": docs,
        "vocabulary": vocab,
        "tokens": len(w),
        "nonzeros": int(X.nnz),
        "k": k,
        "iters": a.iters,
        "load_seconds": load,
        "fit_seconds": t_end[0] - t_fit[0],
        "iter_seconds": wall,
        "iter_cpu_seconds": cpu,
        "bound": bound,
        "inner_iterations_per_document": calls[0] / docs,
        "peak_rss_mb_after_fit": rss_fit,
    }
    # sklearn's bound formula evaluated on vmodel's final q(theta), q(phi): after vmodel's sweep
    # q(z) is optimal for them, so this must equal vmodel's ELBO if both include the same terms.
    th = os.path.join(a.dir, "vmodel-theta-alpha.npy")
    ph = os.path.join(a.dir, "vmodel-phi-alpha.npy")
    if os.path.exists(th) and os.path.exists(ph):
        model.components_ = np.load(ph)
        out["bound_at_vmodel_state"] = float(model._approx_bound(X, np.load(th), sub_sampling=False))
    print(json.dumps(out))


# ---------------------------------------------------------------------------------------------
# Time to bound: each side from its own default start, bound against wall time


class Clock:
    """Wall time of a fit without the bound computations the hooks add (not part of sklearn's fit)."""

    def __init__(self):
        self.start = time.perf_counter()
        self.excluded = 0.0

    def now(self):
        return time.perf_counter() - self.start - self.excluded

    def exclude(self, since):
        self.excluded += time.perf_counter() - since


def gmm_ttb_model(cls, k, d, max_iter):
    """sklearn's BayesianGaussianMixture with its defaults (init_params='kmeans', its own KMeans,
    tol 1e-3, max_iter 100) but the model's priors, and reg_covar = 0 (it would change the model's
    M-step)."""
    return cls(
        n_components=k,
        covariance_type="full",
        weight_concentration_prior_type="dirichlet_distribution",
        weight_concentration_prior=0.001,
        mean_precision_prior=1.0,
        mean_prior=np.zeros(d),
        degrees_of_freedom_prior=float(d),
        covariance_prior=np.eye(d),
        reg_covar=0.0,
        max_iter=max_iter,
        random_state=0,
    )


def run_gmm_ttb(a):
    import warnings

    import sklearn
    from sklearn.mixture import BayesianGaussianMixture

    X = np.load(os.path.join(a.dir, "x.npy"))
    n, d = X.shape
    k = a.k
    alpha0, beta0, nu0, m0, W0inv = 0.001, 1.0, float(d), np.zeros(d), np.eye(d)

    def full_bound(model):
        # the state fit(max_iter = m) leaves: parameters of the m-th M-step, then its final E-step
        _, log_resp = model._estimate_log_prob_resp(X)
        return gmm_full_elbo(X, log_resp, *q_params(model), alpha0, beta0, m0, W0inv, nu0)

    clock = [None]
    seconds, bounds, init = [], [], [None]

    class Timed(BayesianGaussianMixture):
        def _initialize_parameters(self, X, random_state):
            super()._initialize_parameters(X, random_state)  # its KMeans, then the M-step from its labels
            init[0] = clock[0].now()

        def _m_step(self, X, log_resp):
            super()._m_step(X, log_resp)
            t = clock[0].now()
            since = time.perf_counter()
            seconds.append(t)
            bounds.append(full_bound(self))
            clock[0].exclude(since)

    model = gmm_ttb_model(Timed, k, d, 100)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clock[0] = Clock()
        model.fit(X)
        whole = clock[0].now()
    out = {
        "impl": "sklearn-gmm-ttb",
        "sklearn": sklearn.__version__,
        "blas": blas_info(),
        "n": n,
        "d": d,
        "k": k,
        "tol": model.tol,
        "max_iter": model.max_iter,
        "converged": bool(model.converged_),
        "n_iter": int(model.n_iter_),
        "init_seconds": init[0],
        "fit_seconds": whole,
        "seconds": seconds,
        "bounds": bounds,
    }
    # The curve's point m must be what fit(max_iter = m) leaves: one real fit checks it.
    m = min(a.check, len(bounds))  # a fit that converged earlier is checked at its last iteration
    if m > 0:
        ref = gmm_ttb_model(BayesianGaussianMixture, k, d, m)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref.fit(X)
        b = full_bound(ref)
        out["check"] = {"m": m, "bound": b, "curve": bounds[m - 1]}
        if abs(b - bounds[m - 1]) > 1e-9 * abs(b):
            raise SystemExit(f"gmm-ttb: the curve's bound after {m} iterations {bounds[m - 1]!r} differs from "
                             f"fit(max_iter={m})'s {b!r}")
    print(json.dumps(out))


def lda_split(dirname, holdout):
    """The corpus as document x word counts, split into the documents d with d % holdout != holdout - 1
    (training, in order: CompareMain lda-ttb's numbering) and the others (held out)."""
    import scipy.sparse as sp

    doc = np.load(os.path.join(dirname, "doc.npy"))
    w = np.load(os.path.join(dirname, "w.npy"))
    docs, vocab = int(doc.max()) + 1, int(w.max()) + 1
    X = sp.csr_matrix((np.ones(len(w)), (doc, w)), shape=(docs, vocab))
    X.sum_duplicates()
    held = np.arange(docs) % holdout == holdout - 1 if holdout > 0 else np.zeros(docs, bool)
    return X[~held], X[held]


def lda_ttb_model(cls, k, eta, max_iter):
    """sklearn's batch LDA with its defaults (its own random start, 100 inner iterations up to a mean
    change of 1e-3) but max_iter and the priors alpha = 0.1, eta."""
    return cls(
        n_components=k,
        doc_topic_prior=0.1,
        topic_word_prior=eta,
        learning_method="batch",
        max_iter=max_iter,
        evaluate_every=-1,
        random_state=0,
    )


def run_lda_ttb(a):
    import sklearn
    from sklearn.decomposition import LatentDirichletAllocation

    X, _ = lda_split(a.dir, a.holdout)
    clock = [None]
    seconds, bounds = [], []

    class Timed(LatentDirichletAllocation):
        def _em_step(self, X, total_samples, batch_update, parallel=None):
            super()._em_step(X, total_samples, batch_update, parallel)
            t = clock[0].now()
            since = time.perf_counter()
            seconds.append(t)
            # what fit(max_iter = m) reports: a final E-step from gamma = 1, then the full bound
            # (score(X) draws no random numbers: the next _em_step's start is unchanged)
            bounds.append(float(self.score(X)))
            clock[0].exclude(since)

    model = lda_ttb_model(Timed, a.k, a.eta, a.iters)
    clock[0] = Clock()
    model.fit(X)
    whole = clock[0].now()
    np.save(a.out + "-lambda.npy", model.components_)
    out = {
        "impl": "sklearn-lda-ttb",
        "sklearn": sklearn.__version__,
        "blas": blas_info(),
        "documents": X.shape[0],
        "vocabulary": X.shape[1],
        "tokens": int(X.sum()),
        "k": a.k,
        "eta": a.eta,
        "holdout": a.holdout,
        "max_iter": a.iters,
        "fit_seconds": whole,
        "seconds": seconds,
        "bounds": bounds,
    }
    m = a.check
    if m and len(bounds) >= m:
        ref = lda_ttb_model(LatentDirichletAllocation, a.k, a.eta, m).fit(X)
        b = float(ref.score(X))
        out["check"] = {"m": m, "bound": b, "curve": bounds[m - 1]}
        if abs(b - bounds[m - 1]) > 1e-9 * abs(b):
            raise SystemExit(f"lda-ttb: the curve's bound after {m} iterations {bounds[m - 1]!r} differs from "
                             f"fit(max_iter={m})'s {b!r}")
    print(json.dumps(out))


def heldout_bound(Xh, lam, alpha, tol=1e-10, max_iter=10000):
    """Per-word held-out bound of LDA at fitted topics q(phi) = Dir(lam) (K x V): each held-out
    document's q(theta_d) = Dir(gamma_d) and q(z_dn) by coordinate ascent from gamma = 1 until the
    mean change of gamma is below tol, then
    sum_d (E[ln p(w_d, z_d, theta_d | phi)] - E[ln q(z_d, theta_d)]) / tokens, with E[ln phi] under
    q(phi) (the document part of sklearn's _approx_bound)."""
    import scipy.sparse as sp
    from scipy.special import digamma, gammaln, logsumexp

    k = lam.shape[0]
    e_ln_beta = digamma(lam) - digamma(lam.sum(1))[:, None]
    exp_beta = np.exp(e_ln_beta)
    coo = Xh.tocoo()
    rows, cols, cnt = coo.row, coo.col, coo.data
    gamma = np.ones((Xh.shape[0], k))
    for it in range(max_iter):
        exp_theta = np.exp(digamma(gamma) - digamma(gamma.sum(1))[:, None])
        norm = np.einsum("nk,kn->n", exp_theta[rows], exp_beta[:, cols]) + 1e-300
        ratio = sp.csr_matrix((cnt / norm, (rows, cols)), shape=Xh.shape)
        new = alpha + exp_theta * (ratio @ exp_beta.T)
        change = np.mean(np.abs(new - gamma))
        gamma = new
        if change < tol:
            break
    e_ln_theta = digamma(gamma) - digamma(gamma.sum(1))[:, None]
    words = float(cnt @ logsumexp(e_ln_theta[rows] + e_ln_beta[:, cols].T, axis=1))
    theta = float(np.sum((alpha - gamma) * e_ln_theta) + np.sum(gammaln(gamma)) - np.sum(gammaln(gamma.sum(1))))
    theta += Xh.shape[0] * (gammaln(k * alpha) - k * gammaln(alpha))
    return (words + theta) / float(cnt.sum()), it + 1


def heldout_by_sklearn(Xh, lam, k, eta):
    """heldout_bound by other code: sklearn's E-step (to a mean change of 1e-12) and its _approx_bound,
    minus its topic term E[ln p(phi | eta)] - E[ln q(phi)], per held-out token."""
    from scipy.special import gammaln
    from sklearn.decomposition import LatentDirichletAllocation
    from sklearn.decomposition._lda import _dirichlet_expectation_2d

    m = LatentDirichletAllocation(n_components=k, doc_topic_prior=0.1, topic_word_prior=eta, mean_change_tol=1e-12,
                                  max_doc_update_iter=100000)
    e_ln = _dirichlet_expectation_2d(lam)
    m.components_, m.doc_topic_prior_, m.topic_word_prior_ = lam, 0.1, eta
    m.exp_dirichlet_component_ = np.exp(e_ln)
    gamma, _ = m._e_step(Xh, cal_sstats=False, random_init=False)
    v = lam.shape[1]
    topic = np.sum((eta - lam) * e_ln) + np.sum(gammaln(lam) - gammaln(eta)) + np.sum(gammaln(eta * v) - gammaln(lam.sum(1)))
    return float((m._approx_bound(Xh, gamma, sub_sampling=False) - topic) / Xh.sum())


def topic_cosine(true, lam):
    """Mean over the true topics of the cosine similarity with the best-matching fitted topic mean
    lam_k / sum(lam_k) (best match per true topic, not a one-to-one assignment)."""
    fitted = lam / lam.sum(1, keepdims=True)
    a = true / np.linalg.norm(true, axis=1, keepdims=True)
    b = fitted / np.linalg.norm(fitted, axis=1, keepdims=True)
    return float(np.mean(np.max(a @ b.T, axis=1)))


def run_lda_eval(a):
    import glob

    from sklearn.decomposition import LatentDirichletAllocation

    X, Xh = lda_split(a.dir, a.holdout)
    true = np.load(os.path.join(a.dir, "topics.npy"))
    out = {"heldout_documents": Xh.shape[0], "heldout_tokens": int(Xh.sum())}
    for path in sorted(glob.glob(os.path.join(a.case, "*-lambda.npy"))):
        name = os.path.basename(path)[: -len("-lambda.npy")]
        lam = np.load(path)
        per_word, its = heldout_bound(Xh, lam, 0.1)
        r = {"topic_cosine": topic_cosine(true, lam), "heldout_per_word": per_word, "heldout_iterations": its,
             "heldout_sklearn_check": heldout_by_sklearn(Xh, lam, a.k, a.eta)}
        theta = os.path.join(a.case, name + "-theta.npy")
        if os.path.exists(theta):
            # vmodel's final ELBO recomputed by sklearn's bound formula at its written q(theta), q(phi)
            m = LatentDirichletAllocation(n_components=a.k, doc_topic_prior=0.1, topic_word_prior=a.eta)
            m.components_, m.doc_topic_prior_, m.topic_word_prior_ = lam, 0.1, a.eta
            r["sklearn_formula_at_q"] = float(m._approx_bound(X, np.load(theta), sub_sampling=False))
        out[name] = r
    print(json.dumps(out))


# ---------------------------------------------------------------------------------------------
# The table


def median(v):
    v = sorted(x for x in v if x is not None)
    if not v:
        return float("nan")
    m = len(v) // 2
    return v[m] if len(v) % 2 else 0.5 * (v[m - 1] + v[m])


def steady(v):
    """Iterations after the first (JIT compilation, page faults of first touch)."""
    return v[1:] if len(v) > 1 else v


def last_json(path):
    if not os.path.exists(path):
        return None
    lines = [l for l in open(path) if l.startswith("{")]
    return json.loads(lines[-1]) if lines else None


def time_v(path):
    """Peak RSS (MB), user and system seconds, and wall seconds from /usr/bin/time -v."""
    out = {}
    if not os.path.exists(path):
        return out
    for line in open(path):
        key, _, value = line.strip().rpartition(": ")
        if key == "Maximum resident set size (kbytes)":
            out["rss_mb"] = int(value) / 1024.0
        elif key == "User time (seconds)":
            out["user"] = float(value)
        elif key == "System time (seconds)":
            out["sys"] = float(value)
        elif key.startswith("Elapsed (wall clock) time"):
            parts = [float(p) for p in value.split(":")]
            out["wall"] = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    return out


def fmt_s(x):
    if x is None or x != x:
        return "-"
    return f"{x:.3g}" if x < 100 else f"{x:.0f}"


def fmt_e(x):
    return "-" if x is None else f"{x:.10g}"


def case_list(root):
    order = os.path.join(root, "cases")
    if os.path.exists(order):
        return [l.strip() for l in open(order) if l.strip()]
    return sorted(d for d in os.listdir(root) if d.startswith(("gmm-", "lda-")))


def fmt_mb(x):
    return "-" if x is None else f"{x:.0f}"


def fmt_ratio(a, b):
    """Time a over time b, with the speed-up (b / a) where a is the faster."""
    if a is None or b is None or not (a > 0 and b > 0):  # also None-safe for nan
        return "-"
    r = a / b
    return f"{r:.2f}x ({1 / r:.1f}x faster)" if r < 1 else f"{r:.2f}x"


def fmt_speedup(vmodel, sklearn):
    """sklearn time / vmodel time: above 1, vmodel is the faster."""
    if vmodel is None or sklearn is None or not (vmodel > 0 and sklearn > 0):
        return "-"
    return f"{sklearn / vmodel:.2f}x"


def med(run, key):
    """Median of run[key] after the first iteration; None without the run or the key."""
    if run is None or not run.get(key):
        return None
    m = median(steady(run[key]))
    return None if m != m else m


def thread_label(n):
    return f"{n} thread" + ("" if n == 1 else "s")


def table(root):
    summary = []
    for case in case_list(root):
        cd = os.path.join(root, case)
        v = last_json(os.path.join(cd, "vmodel.json"))  # the generated code on N threads
        v1 = last_json(os.path.join(cd, "vmodel1.json"))  # on one thread (absent before --threads)
        s2 = last_json(os.path.join(cd, "sklearn.json"))
        s1 = last_json(os.path.join(cd, "sklearn1.json")) or s2
        if v is None or s2 is None:
            print(f"== {case}: incomplete (see {cd})\n")
            continue
        vt = time_v(os.path.join(cd, "vmodel.time"))
        vt1 = time_v(os.path.join(cd, "vmodel1.time")) if v1 is not None else {}
        st2 = time_v(os.path.join(cd, "sklearn.time"))
        st1 = time_v(os.path.join(cd, "sklearn1.time")) or st2
        iters = s2["iters"]
        v_it, v1_it, s2_it, s1_it = (med(r, "iter_seconds") for r in (v, v1, s2, s1))
        v_cpu, v1_cpu, s2_cpu, s1_cpu = (med(r, "iter_cpu_seconds") for r in (v, v1, s2, s1))
        gmm = v["impl"] == "vmodel-gmm"
        threads2 = max((b.get("num_threads") or 1) for b in s2["blas"]) if s2.get("blas") else "?"
        vthreads = v.get("threads")
        nv = vthreads if vthreads is not None else "N"
        head = (
            "",
            f"vmodel, {thread_label(vthreads)}" if vthreads is not None else "vmodel (generated)",
            "vmodel, 1 thread",
            f"sklearn {s2['sklearn']}, {threads2} BLAS thr.",
            "sklearn, 1 BLAS thread",
        )
        if gmm:
            title = f"GMM  N={v['n']:.0e} D={v['d']} K={v['k']}".replace("e+0", "e")
            proto = f"{iters} iterations (M-step, E-step, bound) from the same k-means labels"
        else:
            title = f"LDA  {v['documents']} docs, V={v['vocabulary']}, {v['tokens']} tokens ({s2['nonzeros']} distinct doc-word pairs), K={v['k']}"
            proto = (
                f"{iters} iterations (global updates) from the topics of the same random responsibilities; "
                f"sklearn does {s2['inner_iterations_per_document']:.1f} inner (theta, z) iterations per document "
                f"per iteration (measured at the end), vmodel 1"
            )

        def sweep_elbo(r):
            if r is None:
                return "-"
            return f"{fmt_s(med(r, 'sweep_seconds'))} + {fmt_s(med(r, 'elbo_seconds'))}"

        def first(r):
            return fmt_s(r["iter_seconds"][0]) if r is not None and r.get("iter_seconds") else "-"

        rows = [
            head,
            ("s / iteration, median, wall", fmt_s(v_it), fmt_s(v1_it), fmt_s(s2_it), fmt_s(s1_it)),
            ("s / iteration, median, CPU", fmt_s(v_cpu), fmt_s(v1_cpu), fmt_s(s2_cpu), fmt_s(s1_cpu)),
            ("  vmodel: sweep + ELBO, wall", sweep_elbo(v), sweep_elbo(v1), "", ""),
            ("first iteration, wall", first(v), first(v1), first(s2), first(s1)),
            ("ratio vmodel / sklearn, wall", fmt_ratio(v_it, s2_it), fmt_ratio(v1_it, s1_it), "", ""),
            ("ratio vmodel / sklearn, CPU", fmt_ratio(v_cpu, s2_cpu), fmt_ratio(v1_cpu, s1_cpu), "", ""),
            (f"vmodel speed-up, {nv} over 1 thread, wall", fmt_speedup(v_it, v1_it), "", "", ""),
        ]
        if gmm:
            rows += [
                ("final ELBO, all constants", fmt_e(v["elbo"]), fmt_e(v1 and v1.get("elbo")), fmt_e(s2["full_elbo"]) + " *", ""),
                ("sklearn lower_bound_ (drops C)", "", "", fmt_e(s2["lower_bound"]), ""),
                ("  C analytic / measured", "", "", f"{s2['constant']:.10g} / {s2['constant_check']:.10g}", ""),
                ("  lower_bound_ + C", "", "", fmt_e(s2["lower_bound"] + s2["constant"]), ""),
            ]
            agree = abs(v["elbo"] - s2["full_elbo"]) / abs(s2["full_elbo"])
            note = ("* the full ELBO (every constant, as vmodel's) recomputed at sklearn's final state, which is "
                    "vmodel's state after the same sweeps; lower_bound_ is one half-step earlier")
        else:
            trace = v["elbo_trace"]
            trace1 = v1.get("elbo_trace") if v1 is not None else None

            def at(t):
                return t[iters - 1] if t and len(t) >= iters else None

            def reach(t, it):
                if t is None:
                    return "-"
                n = next((i + 1 for i, e in enumerate(t) if e >= s2["bound"]), None)
                return f"{n} ({n * it:.1f} s)" if n and it else f"> {len(t)}"

            rows += [
                (f"bound after {iters} iterations", fmt_e(at(trace)), fmt_e(at(trace1)), fmt_e(s2["bound"]) + " *",
                 fmt_e(s1["bound"]) + " *"),
                ("vmodel sweeps to reach sklearn's", reach(trace, v_it), reach(trace1, v1_it), "", ""),
                (f"vmodel bound after {len(trace)} sweeps", fmt_e(trace[-1]), fmt_e(trace1[-1] if trace1 else None), "", ""),
                ("sklearn's formula at that vmodel q", "", "", fmt_e(s2.get("bound_at_vmodel_state")), ""),
            ]
            agree = (
                abs(trace[-1] - s2["bound_at_vmodel_state"]) / abs(trace[-1])
                if "bound_at_vmodel_state" in s2
                else float("nan")
            )
            note = ("* sklearn's bound (every constant, as vmodel's ELBO) after a final E-step run to convergence "
                    "from gamma = 1 at its final topics")

        def user_sys_wall(t):
            return f"{t.get('user', 0) + t.get('sys', 0):.1f} / {t.get('wall', 0):.1f}" if t else "-"

        rows += [
            ("peak RSS, MB", *(fmt_mb(t.get("rss_mb")) for t in (vt, vt1, st2, st1))),
            ("process user+sys / wall, s", *(user_sys_wall(t) for t in (vt, vt1, st2, st1))),
        ]
        widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
        print(f"== {title}")
        print(f"   {proto}")
        for r in rows:
            print("   " + "  ".join(f"{c:<{w}}" for c, w in zip(r, widths)).rstrip())
        print(f"   {note}")
        print(f"   ratios like for like: vmodel on {nv} threads / sklearn on {threads2} BLAS threads, vmodel on 1 thread / "
              "sklearn on 1 BLAS thread" + ("; CPU time is the whole process's (all threads)" if vthreads is not None else ""))
        print(f"   same formula at the same q: relative difference {agree:.1e}")
        if v1 is not None and v1.get("elbo") is not None:
            d1 = abs(v1["elbo"] - v["elbo"]) / abs(v["elbo"])
            print(f"   vmodel's final ELBO, 1 thread vs {nv} threads: " + ("identical" if d1 == 0 else f"relative difference {d1:.1e}"))
        print()
        summary.append((title.split(" (")[0], v_it, s2_it, v1_it, s1_it, vt.get("rss_mb"), st2.get("rss_mb"), agree,
                        vthreads, threads2))
    if summary:
        nv = {x[8] for x in summary}
        ns = {x[9] for x in summary}
        many = f"{nv.pop() if len(nv) == 1 and None not in nv else 'N'} thr. / {ns.pop() if len(ns) == 1 else 'N'} BLAS thr."
        cw = max(len("case"), *(len(x[0]) for x in summary))
        print("== summary: median wall seconds per iteration (after the first), peak RSS;")
        print("   speedup = sklearn time / vmodel time at the same thread count (above 1: vmodel is faster)")
        print(f"   {'':<{cw}}  {many:-^26}  {'1 thr. / 1 BLAS thr.':-^26}")
        print(f"   {'case':<{cw}}  {'vmodel':>8} {'sklearn':>8} {'speedup':>8}  {'vmodel':>8} {'sklearn':>8} {'speedup':>8}"
              f"  {'RSS MB v/s':>11} {'ELBO check':>10}")
        for t, a, b, a1, b1, rv, rs, ag, _, _ in summary:
            print(f"   {t:<{cw}}  {fmt_s(a):>8} {fmt_s(b):>8} {fmt_speedup(a, b):>8}  "
                  f"{fmt_s(a1):>8} {fmt_s(b1):>8} {fmt_speedup(a1, b1):>8}  "
                  f"{fmt_mb(rv):>5}/{fmt_mb(rs):<5} {ag:>10.0e}")
    print()
    table_ttb(root)


def ttb_curve(run):
    """(seconds, bounds) of a time-to-bound run: sklearn's or vmodel's, bound after iteration m at index m - 1."""
    if run is None:
        return None
    b = run.get("bounds") if "bounds" in run else run.get("elbo_trace")
    return run["seconds"], b


def ttb_reach(curve, target):
    """The first point of curve at or above target (less 1e-12 relative: two fits at the same fixed
    point differ by rounding), (seconds, iterations), or None."""
    secs, b = curve
    i = next((i for i, e in enumerate(b) if e >= target - 1e-12 * abs(target)), None)
    return None if i is None else (secs[i], i + 1)


def fmt_reach(curve, target):
    r = ttb_reach(curve, target)
    return f"never ({len(curve[1])} it.)" if r is None else f"{fmt_s(r[0])} s ({r[1]} it.)"


def table_ttb(root):
    ms = (1, 2, 5, 10, 20)
    printed = False
    for case in case_list(root):
        cd = os.path.join(root, case)
        runs = {r: last_json(os.path.join(cd, f"{r}-ttb.json")) for r in ("vmodel1", "vmodel", "sklearn1", "sklearn")}
        if runs["vmodel1"] is None or runs["sklearn1"] is None:
            continue
        ev = last_json(os.path.join(cd, "lda-eval.json"))
        v1, s1 = runs["vmodel1"], runs["sklearn1"]
        gmm = v1["impl"] == "vmodel-gmm-ttb"
        if not printed:
            print("== time to bound: each side's default fit, its full ELBO (every constant) after m iterations and the")
            print("   wall seconds from the start of fit to it (initialisation included; sklearn's clock stops")
            print("   while the bound is computed); 'reaches X' = the first iteration whose bound is at or above X"
              " (less 1e-12 relative: rounding)")
            print()
            printed = True
        if gmm:
            title = f"GMM  N={v1['n']:.0e} D={v1['d']} K={v1['k']}".replace("e+0", "e")
            proto = (f"vmodel: fit's defaults (tolerance {v1['tolerance']:g}, its default start); sklearn: its defaults\n"
                     f"   (init_params='kmeans', tol {s1['tol']:g}, max_iter {s1['max_iter']}) but reg_covar 0 and the model's priors")
        else:
            title = (f"LDA  {v1['documents']} training docs ({v1['tokens']} tokens; every {v1['holdout']}th held out), "
                     f"V={v1['vocabulary']}, K={v1['k']}, alpha=0.1, eta={v1['eta']:g}")
            proto = (f"vmodel: fit's defaults (tolerance {v1['tolerance']:g}, its default start); sklearn: batch LDA,\n"
                     f"   its defaults and random start, max_iter = m (curve to {s1['max_iter']})")
        print(f"== {title}")
        print(f"   {proto}")
        w = 13
        wf = 17
        print(f"   {'thr.':<5}{'side':<9}" + "".join(f"{'m=' + str(m):>{w}}" for m in ms) + f"{'final':>{wf}}")
        for suffix in ("1", ""):
            v, sk = runs["vmodel" + suffix], runs["sklearn" + suffix]
            if v is None or sk is None:
                continue
            nthr = v["threads"] if suffix == "" else 1
            if suffix == "" and nthr == 1:
                continue
            for side, run in (("sklearn", sk), ("vmodel", v)):
                secs, b = ttb_curve(run)
                cells = [fmt_e_short(b[m - 1]) if len(b) >= m else "-" for m in ms] + [fmt_e_short(b[-1])]
                times = [f"{fmt_s(secs[m - 1])} s" if len(b) >= m else "" for m in ms] + [f"{fmt_s(secs[-1])} s m={len(b)}"]
                print(f"   {str(nthr) if side == 'sklearn' else '':<5}{side:<9}" + "".join(f"{c:>{w}}" for c in cells[:-1])
                      + f"{cells[-1]:>{wf}}")
                print(f"   {'':<14}" + "".join(f"{c:>{w}}" for c in times[:-1]) + f"{times[-1]:>{wf}}")
            vc, sc = ttb_curve(v), ttb_curve(sk)
            lead = f"   {nthr} thr.: "
            pad = " " * len(lead)
            if gmm:
                sf = sc[1][-1]
                print(f"{lead}vmodel reaches sklearn's final bound {fmt_e_short(sf)}: {fmt_reach(vc, sf)}; "
                      f"vmodel's whole fit {fmt_s(v['fit_seconds'])} s"
                      + ("" if v["converged"] else " (not converged)"))
                print(f"{pad}sklearn's whole fit: {fmt_s(sk['fit_seconds'])} s ({sk['n_iter']} it., "
                      f"{'converged' if sk['converged'] else 'not converged'}; its k-means and first M-step "
                      f"{fmt_s(sk['init_seconds'])} s)")
            else:
                for m in (10, 20):
                    if len(sc[1]) >= m:
                        print(f"{lead}vmodel reaches sklearn's {m}-iteration bound {fmt_e_short(sc[1][m - 1])}: "
                              f"{fmt_reach(vc, sc[1][m - 1])}; sklearn's {m} it.: {fmt_s(sc[0][m - 1])} s")
                if len(sc[1]) >= 20:
                    diff = vc[1][-1] - sc[1][19]
                    print(f"{lead}vmodel's final bound {fmt_e_short(vc[1][-1])} ({len(vc[1])} sweeps, "
                          f"{'converged' if v['converged'] else 'not converged'}, {fmt_s(v['fit_seconds'])} s)")
                    print(f"{pad}minus sklearn's after 20 iterations: {diff:+.1f} ({diff / v['tokens']:+.4f} per token)")
            print(f"{lead}vmodel reaches sklearn's best {fmt_e_short(max(sc[1]))}: {fmt_reach(vc, max(sc[1]))};")
            print(f"{pad}sklearn reaches vmodel's best {fmt_e_short(max(vc[1]))}: {fmt_reach(sc, max(vc[1]))}")
            if ev is not None:
                parts = []
                for side, name in (("sklearn", "sklearn" + suffix), ("vmodel", "vmodel" + suffix)):
                    e = ev.get(name + "-ttb")
                    if e:
                        parts.append(f"{side} {e['topic_cosine']:.4f} / {e['heldout_per_word']:.4f}")
                print(f"{lead}topic cosine / held-out per-word bound: " + ", ".join(parts))
        checks = []
        for name, run in runs.items():
            c = run and run.get("check")
            if c:
                checks.append(f"{name} {abs(c['bound'] - c['curve']) / abs(c['bound']):.0e}")
        if checks:
            m = next(r["check"]["m"] for r in runs.values() if r and r.get("check"))
            print(f"   sklearn's curve at m={m} vs a real fit with max_iter={m}, relative difference: "
                  + ", ".join(checks).replace("e+00", ""))
        if gmm:
            print("   bounds: vmodel's ELBO trace; sklearn's: the full ELBO (compare.py gmm_full_elbo) at its state")
            print("   after the m-th M-step and the E-step fit(max_iter = m) ends with")
        elif ev is not None:
            d1 = []
            for name in ("vmodel1", "vmodel"):
                e = ev.get(name + "-ttb")
                if e and "sklearn_formula_at_q" in e and runs[name]:
                    f = runs[name]["elbo_trace"][-1]
                    d1.append(f"{name} {abs(f - e['sklearn_formula_at_q']) / abs(f):.0e}")
            print("   bounds: vmodel's ELBO trace; sklearn's: lda.score(X) (= the bound fit(max_iter = m) reports);")
            print("   vmodel's final ELBO vs sklearn's formula at vmodel's written q(theta), q(phi), relative")
            print("   difference: " + ", ".join(d1))
            print(f"   topic cosine: mean over the {v1['k']} true topics of the cosine with the best-matching fitted topic")
            print("   mean lambda_k / sum(lambda_k) (best match each, not one-to-one). Held-out per-word bound: on the "
                  f"{ev['heldout_documents']}")
            print(f"   held-out documents ({ev['heldout_tokens']} tokens), q(theta_d), q(z_d) by coordinate ascent from "
                  "gamma = 1")
            print("   to convergence at the side's fitted q(phi) (the same Python code for both), then")
            print("   sum_d (E[ln p(w_d, z_d, theta_d | phi)] - E[ln q(z_d, theta_d)]) / tokens, E[ln phi] under q(phi);")
            dh = max((abs(e["heldout_per_word"] - e["heldout_sklearn_check"]) for n, e in ev.items()
                      if isinstance(e, dict) and "heldout_sklearn_check" in e), default=float("nan"))
            print(f"   by sklearn's E-step (mean change 1e-12) and _approx_bound less its topic term: within {dh:.0e} per token")
        print()


def fmt_e_short(x):
    return "-" if x is None else (f"{x:.1f}" if abs(x) < 1e9 else f"{x:.6e}")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("gmm", "lda"):
        q = sub.add_parser(name)
        q.add_argument("--dir", required=True)
        q.add_argument("--k", type=int, required=True)
        q.add_argument("--iters", type=int, required=True)
    q = sub.add_parser("gmm-ttb")
    q.add_argument("--dir", required=True)
    q.add_argument("--k", type=int, required=True)
    q.add_argument("--check", type=int, default=5)
    q = sub.add_parser("lda-ttb")
    q.add_argument("--dir", required=True)
    q.add_argument("--k", type=int, required=True)
    q.add_argument("--iters", type=int, required=True)
    q.add_argument("--eta", type=float, required=True)
    q.add_argument("--holdout", type=int, required=True)
    q.add_argument("--out", required=True)
    q.add_argument("--check", type=int, default=5)
    q = sub.add_parser("lda-eval")
    q.add_argument("--dir", required=True)
    q.add_argument("--case", required=True)
    q.add_argument("--k", type=int, required=True)
    q.add_argument("--eta", type=float, required=True)
    q.add_argument("--holdout", type=int, required=True)
    t = sub.add_parser("table")
    t.add_argument("root")
    a = p.parse_args()
    if a.cmd == "gmm":
        run_gmm(a)
    elif a.cmd == "lda":
        run_lda(a)
    elif a.cmd == "gmm-ttb":
        run_gmm_ttb(a)
    elif a.cmd == "lda-ttb":
        run_lda_ttb(a)
    elif a.cmd == "lda-eval":
        run_lda_eval(a)
    else:
        table(a.root)


if __name__ == "__main__":
    sys.exit(main())
