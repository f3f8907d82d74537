/**
 * Independent reference implementations (test scope) for the non-conjugate likelihoods, written from
 * the books and papers cited in each class, not from the compiler's code generation:
 * <ul>
 *   <li>{@link dev.vmodel.compiler.reference.PrmlLogistic}: PRML 10.6 variational logistic regression
 *       (Jaakkola-Jordan bound), known alpha, shared Gamma or ARD hyperprior, with the full bound;</li>
 *   <li>{@link dev.vmodel.compiler.reference.BohningSoftmax}: VB softmax regression with Bohning's bound;</li>
 *   <li>{@link dev.vmodel.compiler.reference.PoissonGaussianVi}: fixed-form Gaussian VI for Poisson(exp(a));</li>
 *   <li>{@link dev.vmodel.compiler.reference.LogisticMcmc} (Polya-Gamma Gibbs) and
 *       {@link dev.vmodel.compiler.reference.PoissonGlmMcmc} (Laplace-whitened HMC): exact MCMC for the
 *       same models, seeded and deterministic.</li>
 * </ul>
 * Everything uses plain {@code double[]}/{@code double[][]} and the JDK only.
 */
package dev.vmodel.compiler.reference;
