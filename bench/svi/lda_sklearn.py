"""scikit-learn's side of bench/svi_lda.sh: online LDA (Hoffman, Blei and Bach 2010) by partial_fit
over minibatches of the training matrix, epoch after epoch, with the topics (components_, K x V)
saved at wall-time checkpoints.

    lda_sklearn.py TRAIN.npz OUT_DIR K ALPHA ETA BATCH TAU0 KAPPA SECONDS...

total_samples is the number of training documents (scikit-learn's default of 1e6 would mis-scale
every step). The clock runs from the first partial_fit (loading the matrix is set-up) and is stopped
while a checkpoint is saved; each checkpoint is the first minibatch update at or after its time.
"""
import os
import sys
import time

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import LatentDirichletAllocation


def main():
    train, out, k, alpha, eta, batch, tau0, kappa = sys.argv[1:9]
    labels = sorted(sys.argv[9:], key=float)
    checkpoints = [float(s) for s in labels]
    k, batch = int(k), int(batch)
    x = sp.load_npz(train).tocsr()
    m = x.shape[0]
    lda = LatentDirichletAllocation(n_components=k, doc_topic_prior=float(alpha), topic_word_prior=float(eta),
                                    learning_method="online", learning_offset=float(tau0),
                                    learning_decay=float(kappa), batch_size=batch, total_samples=m,
                                    random_state=1)
    print(f"scikit-learn {__import__('sklearn').__version__}: {m} documents, V = {x.shape[1]}, batches of {batch}",
          file=sys.stderr)
    start = time.perf_counter()
    paused = 0.0
    steps = 0
    docs = 0
    nxt = 0
    while nxt < len(checkpoints):
        for i in range(0, m, batch):
            lda.partial_fit(x[i:i + batch])
            steps += 1
            docs += min(batch, m - i)
            now = time.perf_counter()
            seconds = now - start - paused
            if seconds >= checkpoints[nxt]:
                np.save(os.path.join(out, f"sklearn-{labels[nxt]}.npy"), lda.components_)
                print(f"sklearn checkpoint {labels[nxt]} s: {seconds:.2f} s, {steps} steps, {docs} documents",
                      flush=True)
                paused += time.perf_counter() - now
                nxt += 1
                if nxt == len(checkpoints):
                    break


if __name__ == "__main__":
    main()
