"""A synthetic LDA corpus for the stochastic-VI comparison (bench/svi_lda.sh).

    lda_corpus.py OUT_DIR [--docs M] [--vocab V] [--topics K] [--held H] [--seed S]

LDA's generative process with K true topics phi_k ~ Dirichlet(0.05) over V words, document
mixtures theta_d ~ Dirichlet(0.1), lengths uniform in [50, 150]. Writes, for M training and H
held-out documents:
  train.csv, held.csv  long format, one token per line: doc,w (the documents' tokens contiguous,
                       documents numbered from 0 in each file), as `vmodel fit --svi` reads them;
  train.npz, held.npz  the same documents as a scipy CSR document-word count matrix (M x V), as
                       scikit-learn's LatentDirichletAllocation reads them;
  topics.npy           the true topics (K x V).
The last training document contains word V - 1, so the vocabulary size read off the data is V.
"""
import argparse
import os

import numpy as np
import scipy.sparse as sp


def documents(rng, phi, m, alpha):
    k, v = phi.shape
    lengths = rng.integers(50, 151, size=m)
    theta = rng.dirichlet(np.full(k, alpha), size=m)
    doc = np.repeat(np.arange(m), lengths)
    # each document's topic counts, then each topic's words in one draw
    counts = np.vstack([rng.multinomial(n, p) for n, p in zip(lengths, theta)])
    z = np.concatenate([np.repeat(np.arange(k), c) for c in counts])
    w = np.empty(z.size, dtype=np.int64)
    for t in range(k):
        where = np.nonzero(z == t)[0]
        w[where] = rng.choice(v, size=where.size, p=phi[t])
    # shuffle the tokens within each document (they were grouped by topic)
    order = np.lexsort((rng.random(z.size), doc))
    return doc, w[order]


def write(out, name, doc, w, m, v):
    np.savetxt(os.path.join(out, name + ".csv"), np.column_stack([doc, w]), fmt="%d", delimiter=",",
               header="doc,w", comments="")
    x = sp.csr_matrix((np.ones(doc.size), (doc, w)), shape=(m, v))
    x.sum_duplicates()
    sp.save_npz(os.path.join(out, name + ".npz"), x)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--docs", type=int, default=200_000)
    ap.add_argument("--vocab", type=int, default=20_000)
    ap.add_argument("--topics", type=int, default=100)
    ap.add_argument("--held", type=int, default=2_000)
    ap.add_argument("--seed", type=int, default=23)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rng = np.random.default_rng(a.seed)
    phi = rng.dirichlet(np.full(a.vocab, 0.05), size=a.topics)
    np.save(os.path.join(a.out, "topics.npy"), phi)
    doc, w = documents(rng, phi, a.docs, 0.1)
    w[-1] = a.vocab - 1
    write(a.out, "train", doc, w, a.docs, a.vocab)
    hdoc, hw = documents(rng, phi, a.held, 0.1)
    write(a.out, "held", hdoc, hw, a.held, a.vocab)
    print(f"{a.docs} training documents ({doc.size} tokens), {a.held} held out ({hdoc.size} tokens),"
          f" V = {a.vocab}, K = {a.topics}, in {a.out}")


if __name__ == "__main__":
    main()
