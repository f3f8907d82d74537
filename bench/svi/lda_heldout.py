"""The held-out per-word bound of LDA topics, one evaluator for both sides of bench/svi_lda.sh.

    lda_heldout.py HELD.npz ALPHA TOPICS.npy...

For each file of topic Dirichlet parameters lambda (K x V: vmodel's q(phi), scikit-learn's
components_), each held-out document's variational E-step with lambda fixed (Blei, Ng and Jordan
2003; Hoffman, Blei and Bach 2010, eq. 5-6): gamma_k = alpha + sum_w n_w phi_wk,
phi_wk proportional to exp(E[ln theta_k] + E[ln beta_kw]), iterated from gamma = alpha + N/K until
no gamma_k moves by more than 1e-6 (at most 1000 rounds), then the document's bound

    sum_w n_w ln sum_k exp(E[ln theta_k] + E[ln beta_kw])
      + ln G(K alpha) - K ln G(alpha) + sum_k (alpha - gamma_k) E[ln theta_k] - ln G(sum gamma) + sum_k ln G(gamma_k),

(q(z) at its optimum given gamma), summed over the documents and divided by their tokens. Written from
the papers, not from either implementation. Prints one line per file: its name and the bound per word.
"""
import sys

import numpy as np
import scipy.sparse as sp
from scipy.special import digamma, gammaln


def bound_per_word(x, lam, alpha, tol=1e-6, rounds=1000):
    k = lam.shape[0]
    elog_beta = digamma(lam) - digamma(lam.sum(axis=1, keepdims=True))
    exp_beta = np.exp(elog_beta)
    total = 0.0
    words = 0.0
    for d in range(x.shape[0]):
        ids = x.indices[x.indptr[d]:x.indptr[d + 1]]
        cnt = x.data[x.indptr[d]:x.indptr[d + 1]]
        if ids.size == 0:
            continue
        eb = exp_beta[:, ids]
        gamma = np.full(k, alpha + cnt.sum() / k)
        for _ in range(rounds):
            elog_theta = digamma(gamma) - digamma(gamma.sum())
            et = np.exp(elog_theta)
            norm = et @ eb
            new = alpha + et * (eb @ (cnt / norm))
            done = np.max(np.abs(new - gamma)) < tol
            gamma = new
            if done:
                break
        elog_theta = digamma(gamma) - digamma(gamma.sum())
        # ln sum_k exp(E ln theta_k + E ln beta_kw), stably
        a = elog_theta[:, None] + elog_beta[:, ids]
        mx = a.max(axis=0)
        ln_norm = mx + np.log(np.exp(a - mx).sum(axis=0))
        total += cnt @ ln_norm
        total += gammaln(k * alpha) - k * gammaln(alpha) + np.sum((alpha - gamma) * elog_theta)
        total += -gammaln(gamma.sum()) + np.sum(gammaln(gamma))
        words += cnt.sum()
    return total / words


def main():
    held = sp.load_npz(sys.argv[1]).tocsr()
    alpha = float(sys.argv[2])
    for f in sys.argv[3:]:
        print(f"{f} {bound_per_word(held, np.load(f), alpha):.6f}", flush=True)


if __name__ == "__main__":
    main()
