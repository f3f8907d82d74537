/**
 * The executable reference for update plans, and the tests that check the derived plans against
 * independent truth.
 *
 * <h2>The reference interpreter</h2>
 *
 * <p>{@link dev.vmodel.compiler.eval.Interpreter} runs mean-field coordinate ascent exactly as an
 * {@link dev.vmodel.compiler.plan.UpdatePlan} states it, written for clarity, not speed:
 * <ul>
 *   <li>{@link dev.vmodel.compiler.eval.ModelData}: sizes, hyperparameters and observed arrays
 *       bound from an example CSV ({@link dev.vmodel.compiler.eval.Csv}: {@code name},
 *       {@code name[j]} columns, empty cell = missing);
 *   <li>{@link dev.vmodel.compiler.eval.PolyEval}: the numeric value of a polynomial (sums by
 *       nested loops, moments from the current q, data, hypers, sizes, Kronecker deltas, data
 *       indices, missing-data indicators, functions, known-matrix inverses and log-determinants);
 *   <li>{@link dev.vmodel.compiler.eval.Q}: each family's factor element in usual parameters,
 *       with its moments, entropy (runtime closed forms), the map from natural parameters and
 *       back, and, for the Monte Carlo checks, reparameterised sampling and its log density;
 *   <li>{@link dev.vmodel.compiler.eval.Interpreter}: updates (every element's natural
 *       parameters evaluated, mapped to usual parameters), sweeps in schedule order, and the
 *       ELBO (expected log-joint polynomials plus entropies);
 *   <li>{@link dev.vmodel.compiler.eval.OptimizedEval}: the same for the
 *       {@link dev.vmodel.compiler.optimize.OptimizedPlan} (its rewritten natural parameters and
 *       ELBO terms), the data sums and row statistics it reads evaluated from their definitions;
 *       {@code Interpreter.optimized()} runs whole fits on it.
 * </ul>
 * A generated model class can be checked against it: same data, same starting q, same ELBO trace.
 *
 * <h2>The independent side</h2>
 *
 * <p>{@link dev.vmodel.compiler.eval.LogJoint} evaluates ln p(X, Z) directly from the model graph:
 * each distribution's arguments by {@link dev.vmodel.compiler.eval.IrEval} at a value of every
 * latent, and the runtime's log densities; missing observations drop out.
 * {@link dev.vmodel.compiler.eval.MonteCarlo} builds the checks on it.
 *
 * <h2>Tests</h2>
 * <ul>
 *   <li>{@code ExactPosteriorTest}: conjugate models reach the closed-form posterior and their
 *       ELBO the exact log evidence (1e-8); PRML 10.1.3's fixed point; fixed-precision regression.
 *   <li>{@code ElboMonotoneTest}: the ELBO never decreases, every model, several starts.
 *   <li>{@code ElboTermsTest}: each expected log-joint polynomial and entropy against Monte Carlo.
 *   <li>{@code OptimalityTest}: every derived update is the coordinate maximiser of the ELBO.
 *   <li>{@code NaturalParameterTest}: derived (and prior) natural parameters against the
 *       regression of E_{-j}[ln p] on the sufficient statistics.
 *   <li>{@code NegativeControlTest}: a halved term in an update is caught by each check.
 *   <li>{@code MissingDataTest}: PPCA with missing entries (updates, ELBO, predictive means).
 *   <li>{@code OptimizedPlanTest}: the optimised plan's natural parameters and ELBO terms equal
 *       the raw plan's (1e-10), a fit on it follows the raw fit, and a wrong data sum or row
 *       statistic is caught.
 *   <li>{@code SymmetryTest}: matrix natural parameters are symmetric, as the stated maps assume.
 *   <li>{@code ReferenceTest}: the reference's own pieces (CSV, data binding, polynomial
 *       evaluation, moments, entropies and samplers of the q families).
 * </ul>
 */
package dev.vmodel.compiler.eval;
