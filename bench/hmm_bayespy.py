#!/usr/bin/env python3
"""BayesPy's side of bench/hmm_compare.sh: the hidden Markov model of
examples/regime-switching.vmodel with BayesPy's CategoricalMarkovChain.

    hmm_bayespy.py DIR K ITERS

reads DIR/x.npy (T observations) and DIR/r0.npy (T x K starting marginals), and prints one JSON
object: the ELBO after each iteration and the seconds each iteration took.

The model and the start are vmodel's:
  rho ~ Dirichlet(alpha0 1), A[j] ~ Dirichlet(alpha0 1) (K plates), z ~ Markov(rho, A),
  mu[k] ~ N(m0, s0^2) (GaussianARD with precision 1/s0^2), tau[k] ~ Gamma(a0, b0),
  x[t] ~ N(mu[z[t]], 1/tau[z[t]]) (Mixture(Z, GaussianARD, mu, tau)),
  with alpha0 = 1, m0 = 0, s0 = 10, a0 = b0 = 1 (the model file's defaults). q(mu) and q(tau)
  are separate factors in both (no Normal-Gamma group).
Start: q(z) is the chain whose states are independent with marginals r0 (what vmodel's
Session.z(r0) sets): its moments are u0 = r0[0] (first state) and u1[t] = r0[t] r0[t+1]^T (the
pairwise marginals BayesPy's CategoricalMarkovChain keeps), assigned to the node directly since
BayesPy has no setter for them. One iteration updates rho, A, mu, tau, z in that order (vmodel's
schedule: the globals, then the local chain), then computes the lower bound; the time of an
iteration includes the bound, as vmodel's includes its ELBO.

BayesPy's lower bound (VB.compute_lowerbound) is the sum over nodes of E[ln p] - E[ln q] with
every constant (its Gaussian and Gamma log-normalisers include -1/2 ln 2 pi and ln Gamma(a)),
so it is compared with vmodel's ELBO as it is.
"""

import json
import sys
import time

import numpy as np
from bayespy.nodes import CategoricalMarkovChain, Dirichlet, Gamma, GaussianARD, Mixture
from bayespy.inference import VB


def main():
    directory, k, iters = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    alpha0, m0, s0, a0, b0 = 1.0, 0.0, 10.0, 1.0, 1.0
    t_load = time.perf_counter()
    x = np.load(directory + "/x.npy").reshape(-1)
    r0 = np.load(directory + "/r0.npy").reshape(len(x), k)
    t = len(x)
    rho = Dirichlet(alpha0 * np.ones(k), name="rho")
    a = Dirichlet(alpha0 * np.ones(k), plates=(k,), name="A")
    z = CategoricalMarkovChain(rho, a, states=t, name="z")
    mu = GaussianARD(m0, 1.0 / s0 ** 2, plates=(k,), name="mu")
    tau = Gamma(a0, b0, plates=(k,), name="tau")
    y = Mixture(z, GaussianARD, mu, tau, name="x")
    y.observe(x)
    q = VB(y, mu, tau, z, a, rho)
    z.u = [r0[0].copy(), r0[:-1, :, None] * r0[1:, None, :]]
    load = time.perf_counter() - t_load
    trace, seconds = [], []
    for it in range(iters):
        start = time.perf_counter()
        for node in (rho, a, mu, tau, z):
            node.update()
        bound = q.compute_lowerbound()
        seconds.append(time.perf_counter() - start)
        trace.append(float(bound))
        print("  iteration %d: %.3f s, ELBO %.12g" % (it + 1, seconds[-1], bound), file=sys.stderr)
    print(json.dumps({
        "impl": "bayespy-hmm", "t": t, "k": k, "iters": iters, "load_seconds": load,
        "iter_seconds": seconds, "elbo_trace": trace, "elbo": trace[-1],
        "mu": [float(v) for v in mu.get_moments()[0]],
    }))


if __name__ == "__main__":
    main()
