package dev.vmodel.runtime.split;

import dev.vmodel.runtime.fit.FitOptions;

/**
 * Where the parts of a split fit live and how a local pass reaches them: in memory
 * ({@link SplitFit#inMemory}) or on a cluster (vmodel-spark). {@link SplitFit#run} drives any of
 * them the same way.
 */
public interface LocalPasses {
  /** Every part started as {@code fit} starts ({@link SplitPart#start}); their statistics summed. */
  double[] start(long seed, FitOptions options);

  /** Every part's local pass with the global factors {@code globals}; their statistics summed. */
  double[] pass(double[] globals);

  /** Every part's {@link SplitPart#localStart} from the global factors {@code globals}; their statistics summed. */
  double[] startFrom(double[] globals);
}
