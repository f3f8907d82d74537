package dev.vmodel.runtime.fit;

/** Called after every sweep with the iteration number (from 1) and the ELBO after it. */
@FunctionalInterface
public interface SweepListener {
  void sweep(int restart, int iteration, double elbo);
}
